// Consumer groups: every group with its state, members, topics and total lag.
import { Fragment } from 'preact';
import type { GroupSummary } from '../../api/types.ts';
import { useLive } from '../client/hooks.ts';
import { href } from '../router.ts';
import { num } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, Table, View } from '../ui/view.tsx';

export function stateBadge(state: string): string {
  if (state === 'Stable') return 'badge good';
  if (state === 'Empty' || state === 'Dead') return 'badge';
  return 'badge mid';
}

export function GroupsView() {
  const { data, error } = useLive<GroupSummary[]>('groups');
  const rows = [...(data ?? [])].sort((a, b) => a.group.localeCompare(b.group));
  return (
    <View name="groups" ready={data !== undefined} title="Consumer groups" error={error}>
      <Card>
        {data && rows.length === 0 ? (
          <Empty>No consumer group yet.</Empty>
        ) : (
          <Table columns={['Group', 'State', 'Protocol', { label: 'Members', num: true }, 'Topics', { label: 'Lag (messages)', num: true }]}>
            {rows.map((g) => (
              <tr key={g.group} data-testid="group-row" data-group={g.group}>
                <td>
                  <Link href={href('groups', g.group)}>{g.group}</Link>
                </td>
                <td>
                  <span class={stateBadge(g.state)}>{g.state}</span>
                </td>
                <td>{g.protocolType ? `${g.protocolType}${g.protocol ? ` / ${g.protocol}` : ''}` : '–'}</td>
                <td class="num">{g.members}</td>
                <td class="wrap">
                  {g.topics.map((t, i) => (
                    <Fragment key={t}>
                      {i > 0 ? ', ' : ''}
                      <Link href={href('topics', t)}>{t}</Link>
                    </Fragment>
                  ))}
                </td>
                <td class={`num ${g.lag > 0 ? 'warn' : ''}`}>{num(g.lag)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </View>
  );
}
