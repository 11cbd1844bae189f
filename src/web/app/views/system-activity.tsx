// The activity panel: API requests per minute per endpoint as a live chart,
// the busiest endpoints and the top clients (GET /api/console/systems/activity
// and its live twin: what the activity worker counted from the Users topic).
import type { ActivityPanel as ActivityReport } from '../../api/types.ts';
import { useLive } from '../client/hooks.ts';
import { TimeChart, type TimeSeriesLine } from '../ui/chart.tsx';
import { num } from '../ui/format.ts';
import { Card, Empty, Table, View } from '../ui/view.tsx';

/** Endpoints drawn: the busiest ones (a legend of fifty lines reads as none). */
const MAX_LINES = 8;
const MINUTE_MS = 60_000;

function lines(report: ActivityReport): TimeSeriesLine[] {
  const per = new Map<string, Map<number, number>>();
  for (const m of report.perMinute) {
    const name = `${m.method} ${m.endpoint}`;
    const t = Date.parse(m.windowStart);
    const series = per.get(name) ?? new Map<number, number>();
    series.set(t, (series.get(t) ?? 0) + m.count);
    per.set(name, series);
  }
  // Every minute from the first to the last, a quiet one at 0: no line drawn across a gap.
  const starts = report.perMinute.map((m) => Date.parse(m.windowStart));
  const minutes: number[] = [];
  if (starts.length > 0) for (let t = Math.min(...starts), end = Math.max(...starts); t <= end; t += MINUTE_MS) minutes.push(t);
  const total = (s: Map<number, number>) => [...s.values()].reduce((a, b) => a + b, 0);
  return [...per.entries()]
    .sort((a, b) => total(b[1]) - total(a[1]))
    .slice(0, MAX_LINES)
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([label, s]) => ({ label, points: minutes.map((t): [number, number] => [t, s.get(t) ?? 0]) }));
}

export function ActivityPanel() {
  const { data, error } = useLive<ActivityReport>('systems/activity');
  const totals = [...(data?.totals ?? [])].sort((a, b) => b.count - a.count);
  const clients = [...(data?.byClient ?? [])].sort((a, b) => b.count - a.count).slice(0, 10);
  return (
    <View name="system-activity" ready={data !== undefined} title="Activity" error={error}>
      <Card title="Requests per minute, by endpoint">
        {data && data.perMinute.length === 0 ? <Empty>No request counted yet.</Empty> : <TimeChart yLabel="requests/min" lines={data ? lines(data) : []} height={240} yFormat={(v) => num(v)} whole />}
      </Card>
      <div class="grid">
        <Card title="Endpoints (all time)">
          {totals.length === 0 ? (
            <Empty>None yet.</Empty>
          ) : (
            <Table columns={['Method', 'Endpoint', { label: 'Requests', num: true }]}>
              {totals.map((t) => (
                <tr key={`${t.method} ${t.endpoint}`} data-testid="endpoint-row">
                  <td>{t.method}</td>
                  <td class="mono">{t.endpoint}</td>
                  <td class="num">{num(t.count)}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card title="Top clients">
          {clients.length === 0 ? (
            <Empty>None yet.</Empty>
          ) : (
            <Table columns={['Client', { label: 'Requests', num: true }]}>
              {clients.map((c) => (
                <tr key={c.client} data-testid="client-row">
                  <td class="mono">{c.client}</td>
                  <td class="num">{num(c.count)}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
    </View>
  );
}
