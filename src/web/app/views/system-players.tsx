// The players panel: the last players produced to the players topic, live,
// and a form that generates N more (POST /api/soccer_players).
import type { ConsoleMessage } from '../../api/types.ts';
import { useAction } from '../client/hooks.ts';
import { request } from '../client/http.ts';
import { useTail } from '../client/tail.ts';
import { href } from '../router.ts';
import { num, time } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, TableBox, View } from '../ui/view.tsx';
import { useSystemTopic } from './system-topic.ts';

interface Player {
  id?: string;
  name?: string;
  position?: string;
  speed?: number;
  stamina?: number;
  strength?: number;
  technique?: number;
}

const asPlayer = (m: ConsoleMessage): Player => (m.value.value && typeof m.value.value === 'object' ? (m.value.value as Player) : {});

export function PlayersPanel() {
  const topic = useSystemTopic('players', 'soccer_players');
  const tail = useTail(topic, 50);
  const produce = useAction((count: number) => request<unknown[]>('/api/soccer_players', { method: 'POST', body: { count } }));
  return (
    <View
      name="system-players"
      ready={tail.loaded}
      title="Players"
      error={tail.error}
      actions={topic ? <Link href={href('topics', topic, 'messages')}>topic {topic}</Link> : null}
    >
      <Card title="Generate players">
        <form
          class="inline"
          data-testid="players-form"
          onSubmit={(e) => {
            e.preventDefault();
            void produce.run(Number(new FormData(e.currentTarget).get('count')));
          }}
        >
          <label>
            How many
            <input name="count" type="number" min={1} max={10000} value={5} required style={{ width: '8em' }} />
          </label>
          <button type="submit" class="primary" disabled={produce.busy}>
            Produce
          </button>
        </form>
        <ErrorLine text={produce.error} />
        {produce.result && !produce.error ? <p class="notice">{num(produce.result.length)} players sent to the topic.</p> : null}
      </Card>
      <Card title={`Last players (${tail.messages.length})`}>
        {tail.loaded && tail.messages.length === 0 ? (
          <Empty>No player on the topic yet.</Empty>
        ) : (
          <TableBox>
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Position</th>
                  <th class="num">Speed</th>
                  <th class="num">Stamina</th>
                  <th class="num">Strength</th>
                  <th class="num">Technique</th>
                  <th>Produced</th>
                  <th>Id</th>
                </tr>
              </thead>
              <tbody>
                {tail.messages.map((m) => {
                  const p = asPlayer(m);
                  return (
                    <tr key={`${m.partition}:${m.offset}`} data-testid="player-row" data-id={p.id}>
                      <td>{p.name ?? '–'}</td>
                      <td>{p.position ?? '–'}</td>
                      <td class="num">{num(p.speed)}</td>
                      <td class="num">{num(p.stamina)}</td>
                      <td class="num">{num(p.strength)}</td>
                      <td class="num">{num(p.technique)}</td>
                      <td>{time(m.timestamp)}</td>
                      <td class="mono muted">{p.id ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableBox>
        )}
      </Card>
    </View>
  );
}
