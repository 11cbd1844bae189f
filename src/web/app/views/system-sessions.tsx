// The sessions panel: each user's first and last event time, searchable by
// user id (GET /api/console/systems/sessions?q= and its live twin; the server
// filters, so a search over many users sends only the matches).
import { useEffect, useState } from 'preact/hooks';
import type { SessionsPanel as SessionsData } from '../../api/types.ts';
import { useLive } from '../client/hooks.ts';
import { query } from '../client/http.ts';
import { duration, num, time } from '../ui/format.ts';
import { Card, Empty, Table, View } from '../ui/view.tsx';

/** Users the panel asks for at once: the search narrows a long table. */
const LIMIT = 500;
/** Typing pauses this long before the search is sent. */
const SEARCH_DELAY_MS = 250;

type Sort = 'userId' | 'lastSeen' | 'firstSeen';

export function SessionsPanel() {
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [search]);
  const [sort, setSort] = useState<Sort>('lastSeen');
  const { data, error } = useLive<SessionsData>(`systems/sessions${query({ q, limit: LIMIT })}`);
  // While a new search is on its way, the last answer stays on screen.
  const [shown, setShown] = useState<SessionsData | undefined>(undefined);
  useEffect(() => {
    if (data) setShown(data);
  }, [data]);
  const rows = [...(shown?.summaries ?? [])];
  rows.sort((a, b) => (sort === 'userId' ? a.userId.localeCompare(b.userId) : b[sort] - a[sort]));
  return (
    <View name="system-sessions" ready={shown !== undefined} title="Sessions" error={error}>
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
          <span class="muted" data-testid="sessions-count">
            {shown ? `${num(shown.matched)} of ${num(shown.total)} users${shown.matched > rows.length ? `, ${num(rows.length)} shown` : ''}` : ''}
          </span>
        </div>
        {shown && rows.length === 0 ? (
          <Empty>{shown.total === 0 ? 'No session summarized yet.' : 'No user id matches.'}</Empty>
        ) : (
          <Table columns={['User', 'First seen', 'Last seen', { label: 'Span', num: true }]}>
            {rows.map((u) => (
              <tr key={u.userId} data-testid="session-row">
                <td class="mono">{u.userId}</td>
                <td>{time(u.firstSeen)}</td>
                <td>{time(u.lastSeen)}</td>
                <td class="num">{duration(u.lastSeen - u.firstSeen)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </View>
  );
}
