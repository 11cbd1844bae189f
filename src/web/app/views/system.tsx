// /console/systems/:name: the panel of that system, or, for a system this
// console has no panel for, its description and processing graph link.
import type { GraphView } from '../../api/types.ts';
import { useLive } from '../client/hooks.ts';
import { href } from '../router.ts';
import { Link } from '../ui/link.tsx';
import { Card, View } from '../ui/view.tsx';
import { ActivityPanel } from './system-activity.tsx';
import { BasketsPanel } from './system-baskets.tsx';
import { PlayersPanel } from './system-players.tsx';
import { SessionsPanel } from './system-sessions.tsx';
import { StatePanel } from './system-state.tsx';

export function SystemView(props: { name: string }) {
  switch (props.name) {
    case 'players':
      return <PlayersPanel />;
    case 'state':
      return <StatePanel />;
    case 'activity':
      return <ActivityPanel />;
    case 'sessions':
      return <SessionsPanel />;
    case 'baskets':
      return <BasketsPanel />;
    default:
      return <OtherSystem name={props.name} />;
  }
}

function OtherSystem(props: { name: string }) {
  const graph = useLive<GraphView>('graph', { live: false });
  const s = graph.data?.systems.find((x) => x.name === props.name);
  return (
    <View name={`system-${props.name}`} ready={graph.data !== undefined} title={props.name} error={graph.error}>
      <Card>
        <p>{s ? s.description : 'This process runs no system by that name.'}</p>
        <p>
          Its agents and topics are on the <Link href={href('graph')}>processing graph</Link>.
        </p>
      </Card>
    </View>
  );
}
