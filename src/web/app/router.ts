// Path URLs under /console/ with the history API: the pattern table the shell
// renders from, `navigate()` for links and forms, and a hook that re-renders on
// back/forward. `/` (where the server also serves the page) is the overview.
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

export type RouteName = 'overview' | 'topics' | 'topic' | 'messages' | 'groups' | 'group' | 'graph' | 'system' | 'not-found';

export interface Route {
  name: RouteName;
  params: Record<string, string>;
  query: URLSearchParams;
}

const PATTERNS: [RouteName, RegExp, string[]][] = [
  ['overview', /^\/?$/, []],
  ['topics', /^\/topics\/?$/, []],
  ['topic', /^\/topics\/([^/]+)\/?$/, ['topic']],
  ['messages', /^\/topics\/([^/]+)\/messages\/?$/, ['topic']],
  ['groups', /^\/groups\/?$/, []],
  ['group', /^\/groups\/([^/]+)\/?$/, ['group']],
  ['graph', /^\/graph\/?$/, []],
  ['system', /^\/systems\/([^/]+)\/?$/, ['name']],
];

export function match(pathname: string, search: string): Route {
  const query = new URLSearchParams(search);
  if (pathname === '/' || pathname === '') return { name: 'overview', params: {}, query };
  if (!pathname.startsWith(BASE)) return { name: 'not-found', params: {}, query };
  const rest = pathname.slice(BASE.length);
  if (rest !== '' && !rest.startsWith('/')) return { name: 'not-found', params: {}, query };
  for (const [name, re, keys] of PATTERNS) {
    const m = re.exec(rest);
    if (!m) continue;
    const params: Record<string, string> = {};
    keys.forEach((k, i) => {
      params[k] = safeDecode(m[i + 1]!);
    });
    return { name, params, query };
  }
  return { name: 'not-found', params: {}, query };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A console path: `href('topics', name, 'messages')` is /console/topics/<name>/messages. */
export function href(...parts: string[]): string {
  return `${BASE}/${parts.map(encodeURIComponent).join('/')}`;
}

const listeners = new Set<() => void>();

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (url === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of [...listeners]) l();
  if (!options.replace) window.scrollTo(0, 0);
}

/** The current route, updated on navigate() and on back/forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => match(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(match(location.pathname, location.search));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** A click on an in-app link, to handle without a page load (not a new-tab click). */
export function isPlainClick(e: MouseEvent): boolean {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey && !e.defaultPrevented;
}
