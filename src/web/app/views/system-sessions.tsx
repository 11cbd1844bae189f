// The sessions panel: each user's first and last event time (GET
// /api/summaries, kept current), searchable by user id.
import { useState } from 'preact/hooks';
import { usePoll } from '../client/hooks.ts';
import { duration, num, time } from '../ui/format.ts';
import { Card, Empty, TableBox, View } from '../ui/view.tsx';

interface UserSummary {
  userId: string;
  firstSeen: number;
  lastSeen: number;
}

/** Rows drawn at once: the search narrows a long table. */
const MAX_ROWS = 500;

type Sort = 'userId' | 'lastSeen' | 'firstSeen';

export function SessionsPanel() {
  const { data, error } = usePoll<UserSummary[]>('/api/summaries', 3000);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('lastSeen');
  const needle = search.trim().toLowerCase();
  const rows = (data ?? []).filter((u) => !needle || u.userId.toLowerCase().includes(needle));
  rows.sort((a, b) => (sort === 'userId' ? a.userId.localeCompare(b.userId) : b[sort] - a[sort]));
  return (
    <View name="system-sessions" ready={data !== undefined} title="Sessions" error={error}>
      <Card>
        <div class="row" style={{ marginBottom: '10px' }}>
          <label>
            Search user id
            <input name="search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="user id contains…" />
          </label>
          <label>
            Sort by
            <select name="sort" value={sort} onChange={(e) => setSort(e.currentTarget.value as Sort)}>
              <option value="lastSeen">last seen (newest first)</option>
              <option value="firstSeen">first seen (newest first)</option>
              <option value="userId">user id</option>
            </select>
          </label>
          <span class="muted">
            {num(rows.length)} of {num(data?.length ?? 0)} users{rows.length > MAX_ROWS ? `, first ${MAX_ROWS} shown` : ''}
          </span>
        </div>
        {data && rows.length === 0 ? (
          <Empty>{data.length === 0 ? 'No session summarized yet.' : 'No user id matches.'}</Empty>
        ) : (
          <TableBox>
            <table>
              <thead>
                <tr>
                  <th>User</th>
                  <th>First seen</th>
                  <th>Last seen</th>
                  <th class="num">Span</th>
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, MAX_ROWS).map((u) => (
                  <tr key={u.userId} data-testid="session-row">
                    <td class="mono">{u.userId}</td>
                    <td>{time(u.firstSeen)}</td>
                    <td>{time(u.lastSeen)}</td>
                    <td class="num">{duration(u.lastSeen - u.firstSeen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        )}
      </Card>
    </View>
  );
}
