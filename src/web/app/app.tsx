// The console's shell: the header with the navigation (a menu button on a
// narrow screen), the view the URL names, and the key prompt when needed.
import { useEffect, useState } from 'preact/hooks';
import type { Overview as OverviewData } from '../api/types.ts';
import { useLive } from './client/hooks.ts';
import { keyState, onKeyChange } from './client/key.ts';
import { BASE, href, useRoute, type Route } from './router.ts';
import { KeyPrompt } from './ui/key-prompt.tsx';
import { Link } from './ui/link.tsx';
import { GraphView } from './views/graph.tsx';
import { GroupView } from './views/group.tsx';
import { GroupsView } from './views/groups.tsx';
import { MessagesView } from './views/messages.tsx';
import { NotFound } from './views/not-found.tsx';
import { OverviewView } from './views/overview.tsx';
import { SystemView } from './views/system.tsx';
import { TopicView } from './views/topic.tsx';
import { TopicsView } from './views/topics.tsx';

function page(route: Route) {
  switch (route.name) {
    case 'overview':
      return <OverviewView />;
    case 'topics':
      return <TopicsView />;
    case 'topic':
      return <TopicView key={route.params.topic} topic={route.params.topic!} />;
    case 'messages':
      return <MessagesView key={route.params.topic} topic={route.params.topic!} query={route.query} />;
    case 'groups':
      return <GroupsView />;
    case 'group':
      return <GroupView key={route.params.group} group={route.params.group!} />;
    case 'graph':
      return <GraphView query={route.query} />;
    case 'system':
      return <SystemView key={route.params.name} name={route.params.name!} />;
    default:
      return <NotFound />;
  }
}

function section(route: Route): string {
  switch (route.name) {
    case 'topic':
    case 'messages':
      return 'topics';
    case 'group':
      return 'groups';
    case 'system':
      return `system:${route.params.name}`;
    default:
      return route.name;
  }
}

export function App() {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const [needKey, setNeedKey] = useState(keyState().needed);
  useEffect(() => onKeyChange(() => setNeedKey(keyState().needed)), []);
  useEffect(() => setMenuOpen(false), [route]);
  const overview = useLive<OverviewData>('overview', { live: false });
  // The systems this process runs (none for `tributary console` alone): linked once the overview says.
  const systems = overview.data?.systems.map((s) => s.name) ?? [];
  const current = section(route);

  const item = (key: string, to: string, label: string) => (
    <li>
      <Link href={to} current={current === key}>
        {label}
      </Link>
    </li>
  );

  return (
    <div class="shell">
      <header class="top">
        <Link href={`${BASE}/`} class="brand">
          Tributary
        </Link>
        <button type="button" class="menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav id="nav" class={menuOpen ? 'open' : ''} aria-label="Console">
          <ul>
            {item('overview', `${BASE}/`, 'Overview')}
            {item('topics', href('topics'), 'Topics')}
            {item('groups', href('groups'), 'Groups')}
            {item('graph', href('graph'), 'Graph')}
          </ul>
          {systems.length > 0 ? (
            <ul class="systems">
              {systems.map((s) => item(`system:${s}`, href('systems', s), s))}
            </ul>
          ) : null}
        </nav>
      </header>
      <main>{page(route)}</main>
      {needKey ? <KeyPrompt /> : null}
    </div>
  );
}
