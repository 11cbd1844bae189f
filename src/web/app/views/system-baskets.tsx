// The baskets panel: the share of products per category and the average basket
// total per store as bar charts (GET /api/console/systems/baskets and its live
// twin), and a stress run of N baskets started from the page, its progress
// live and its result (rate, latency percentiles, lost).
import { useState } from 'preact/hooks';
import type { BasketsPanel as Analytics, StressRequest, StressRunView } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { consoleApi } from '../client/http.ts';
import { BarChart, COLORS } from '../ui/chart.tsx';
import { decimal, num } from '../ui/format.ts';
import { Card, Empty, ErrorLine, Stat, View } from '../ui/view.tsx';

export function BasketsPanel() {
  const { data, error } = useLive<Analytics>('systems/baskets');
  const categories = Object.keys(data?.categoryShare ?? {}).sort();
  const stores = Object.keys(data?.averageTotalByStore ?? {}).sort();
  return (
    <View name="system-baskets" ready={data !== undefined} title="Baskets" error={error}>
      {data ? (
        <>
          <div class="stats">
            <Stat label="Baskets stored" value={num(data.baskets)} />
            <Stat label="Average total" value={`€${decimal(data.averageTotal, 2)}`} hint="total_price per basket" />
            <Stat label="Stores" value={num(stores.length)} />
            <Stat label="Categories" value={num(categories.length)} />
          </div>
          <div class="grid">
            <Card title="Share of products per category">
              <div data-testid="category-chart" data-values={JSON.stringify(Object.fromEntries(categories.map((c) => [c, data.categoryShare[c]])))}>
                {categories.length === 0 ? (
                  <Empty>No basket stored yet.</Empty>
                ) : (
                  <BarChart names={categories} values={categories.map((c) => data.categoryShare[c]! * 100)} xLabel="category" yLabel="% of products" yFormat={(v) => decimal(v, 1)} />
                )}
              </div>
            </Card>
            <Card title="Average basket total per store">
              <div data-testid="store-chart">
                {stores.length === 0 ? (
                  <Empty>No basket stored yet.</Empty>
                ) : (
                  <BarChart names={stores} values={stores.map((s) => data.averageTotalByStore[s]!)} xLabel="store" yLabel="€ per basket" color={COLORS[1]} yFormat={(v) => decimal(v, 2)} />
                )}
              </div>
            </Card>
          </div>
        </>
      ) : null}
      <Stress />
    </View>
  );
}

function Stress() {
  const run = useLive<StressRunView>('systems/baskets/stress');
  const [count, setCount] = useState('1000');
  const start = useAction((req: StressRequest) => consoleApi<StressRunView>('systems/baskets/stress', { method: 'POST', body: req }));
  // The run the POST answered shows at once; the stream then carries it on (same id, later figures win).
  const latest = [start.result, run.data].filter((v): v is StressRunView => v !== undefined && v.id > 0);
  const shown = latest.reduce<StressRunView | undefined>((a, v) => (a && a.id > v.id ? a : v), undefined);
  const fraction = shown && shown.count > 0 ? Math.min(1, shown.stored / shown.count) : 0;
  return (
    <Card title="Stress run">
      <form
        class="inline"
        data-testid="stress-form"
        onSubmit={async (e) => {
          e.preventDefault();
          await start.run({ count: Number(count) });
        }}
      >
        <label>
          Baskets
          <input name="count" type="number" min={1} max={1000000} value={count} onInput={(e) => setCount(e.currentTarget.value)} required style={{ width: '9em' }} />
        </label>
        <button type="submit" class="primary" data-testid="stress-run" disabled={start.busy || shown?.running === true}>
          {shown?.running ? 'Running…' : 'Run'}
        </button>
      </form>
      <ErrorLine text={start.error} />
      {shown ? (
        <div class="stress" style={{ marginTop: '12px' }}>
          <div
            class={`progress ${shown.running ? '' : 'done'}`}
            data-testid="stress-progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={shown.count}
            aria-valuenow={shown.stored}
            aria-label="baskets stored"
            data-running={shown.running ? 'true' : 'false'}
          >
            <div style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <p class="muted">
            run {shown.id}: {num(shown.posted)} posted, {num(shown.acknowledged)} acknowledged, {num(shown.stored)} stored of {num(shown.count)}
            {shown.running ? '…' : ''}
          </p>
          {shown.error ? <ErrorLine text={shown.error} /> : null}
          {shown.result ? (
            <p data-testid="stress-result" class="notice">
              {`${decimal(shown.result.ratePerSec)} baskets/s over ${decimal(shown.result.seconds, 2)} s; latency p50 ${decimal(shown.result.latencyMs.p50)} ms, p95 ${decimal(shown.result.latencyMs.p95)} ms, p99 ${decimal(shown.result.latencyMs.p99)} ms; lost ${shown.result.lost}, failed ${shown.result.failed}`}
            </p>
          ) : null}
          {shown.result ? (
            <div class="stats">
              <Stat label="Rate" value={`${decimal(shown.result.ratePerSec)}/s`} hint={`${decimal(shown.result.seconds, 2)} s`} />
              <Stat label="p50" value={`${decimal(shown.result.latencyMs.p50)} ms`} hint="latency" />
              <Stat label="p95" value={`${decimal(shown.result.latencyMs.p95)} ms`} />
              <Stat label="p99" value={`${decimal(shown.result.latencyMs.p99)} ms`} hint={`max ${decimal(shown.result.latencyMs.max)} ms`} />
              <Stat label="Lost" value={<span class={shown.result.lost > 0 ? 'bad' : 'ok'}>{num(shown.result.lost)}</span>} hint={`${num(shown.result.failed)} failed`} />
            </div>
          ) : null}
        </div>
      ) : (
        <p class="muted">No run yet: it posts N random baskets to POST /data and checks that the database holds them all.</p>
      )}
    </Card>
  );
}
