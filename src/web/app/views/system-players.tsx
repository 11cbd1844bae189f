// The players panel: the last players produced to the players topic, live
// (GET /api/console/systems/players and its live twin), and a form that
// generates N more (POST /api/soccer_players).
import type { PlayersPanel as PlayersData } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { request } from '../client/http.ts';
import { href } from '../router.ts';
import { num, time } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, Table, View } from '../ui/view.tsx';

interface Player {
  id?: string;
  name?: string;
  position?: string;
  speed?: number;
  stamina?: number;
  strength?: number;
  technique?: number;
}

/** Rows shown: the panel's own default (newest first). */
const LIMIT = 20;

const asPlayer = (v: unknown): Player => (v && typeof v === 'object' ? (v as Player) : {});

export function PlayersPanel() {
  const { data, error } = useLive<PlayersData>(`systems/players?limit=${LIMIT}`);
  const produce = useAction((count: number) => request<unknown[]>('/api/soccer_players', { method: 'POST', body: { count } }));
  return (
    <View
      name="system-players"
      ready={data !== undefined}
      title="Players"
      error={error}
      actions={data ? <Link href={href('topics', data.topic, 'messages')}>topic {data.topic}</Link> : null}
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
            <input name="count" type="number" min={1} max={10000} defaultValue="5" required style={{ width: '8em' }} />
          </label>
          <button type="submit" class="primary" disabled={produce.busy}>
            Produce
          </button>
        </form>
        <ErrorLine text={produce.error} />
        {produce.result && !produce.error ? <p class="notice">{num(produce.result.length)} players sent to the topic.</p> : null}
      </Card>
      <Card title={data ? `Last players (${num(data.players.length)} of ${num(data.count)} on the topic)` : 'Last players'}>
        {data && data.players.length === 0 ? (
          <Empty>No player on the topic yet.</Empty>
        ) : (
          <Table columns={['Name', 'Position', { label: 'Speed', num: true }, { label: 'Stamina', num: true }, { label: 'Strength', num: true }, { label: 'Technique', num: true }, 'Produced', 'Id']}>
            {(data?.players ?? []).map((row) => {
              const p = asPlayer(row.player);
              return (
                <tr key={`${row.partition}:${row.offset}`} data-testid="player-row" data-id={p.id}>
                  <td>{p.name ?? '–'}</td>
                  <td>{p.position ?? row.key ?? '–'}</td>
                  <td class="num">{num(p.speed)}</td>
                  <td class="num">{num(p.stamina)}</td>
                  <td class="num">{num(p.strength)}</td>
                  <td class="num">{num(p.technique)}</td>
                  <td>{time(row.timestamp)}</td>
                  <td class="mono muted">{p.id ?? ''}</td>
                </tr>
              );
            })}
          </Table>
        )}
      </Card>
    </View>
  );
}
