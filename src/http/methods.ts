// Which methods a path takes, for the 405 a known path with the wrong method
// gets (with its Allow header). Every route is recorded as it is added (an
// onRoute hook on the root, so plugins' routes count too) and its pattern
// compiled to a regular expression over the raw path: `:name` is one segment,
// `*` the rest. Only asked on the not-found path, so the linear scan costs
// nothing on a matched request.
import type { FastifyInstance, RouteOptions } from 'fastify';

interface Pattern {
  regex: RegExp;
  methods: Set<string>;
}

const tables = new WeakMap<FastifyInstance, RouteTable>();

/** The routes of a server built by buildHttpServer (tests walk them). */
export function routeTableOf(http: FastifyInstance): RouteTable | undefined {
  return tables.get(http);
}

export class RouteTable {
  private readonly patterns = new Map<string, Pattern>();

  /** Records every route added to `http` from now on. */
  watch(http: FastifyInstance): void {
    tables.set(http, this);
    http.addHook('onRoute', (route: RouteOptions) => this.add(route.url, route.method));
  }

  add(url: string, method: string | string[]): void {
    let p = this.patterns.get(url);
    if (!p) this.patterns.set(url, (p = { regex: compile(url), methods: new Set() }));
    for (const m of Array.isArray(method) ? method : [method]) p.methods.add(m.toUpperCase());
  }

  /** Every route pattern with its methods. */
  list(): { url: string; methods: string[] }[] {
    return [...this.patterns].map(([url, p]) => ({ url, methods: [...p.methods].sort() }));
  }

  /** The methods some route takes on this path (sorted; empty when no route has the path). */
  allowed(path: string): string[] {
    const out = new Set<string>();
    for (const p of this.patterns.values()) if (p.regex.test(path)) for (const m of p.methods) out.add(m);
    return [...out].sort();
  }
}

function compile(url: string): RegExp {
  const body = url
    .split('/')
    .map((segment) =>
      segment === '*'
        ? '.*'
        : segment.replace(/(:[A-Za-z0-9_]+(?:\([^)]*\))?)|([^:]+)/g, (_m, param: string | undefined, text: string | undefined) =>
            param ? '[^/]+' : text!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
          ),
    )
    .join('/');
  return new RegExp(`^${body}$`);
}
