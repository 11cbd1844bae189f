// `npm run bench` (third part): system 5 end to end, as `npm start` runs it,
// against a baseline in the same run. Starts `tributary start` as a child
// process (every service, the embedded broker in its thread, PGlite) on free
// ports in a temp DATA_DIR, and the minimal handler (bench/minimal-handler.ts:
// Fastify + @platformatic/kafka, no validation, acks=all) as another child on
// the same embedded broker. Then, at each concurrency, the same stress client
// (the code of `tributary stress`) posts baskets to one and then the other,
// interleaved, and prints req/s, p50/p99, CPU per request of the server
// process (every thread) and the ratio to the baseline; for tributary it also
// checks that every acknowledged basket is stored, and right. Then a sustained
// run at concurrency 64 prints baskets acknowledged per second against baskets
// stored per second (the database's own clock). RSS of `tributary start`:
// idle (ready, before any load), peak, and idle again after the runs.
// Exit code 1 when a basket was lost, stored wrong, or a request failed.
// The table also goes to bench/results.md (its baskets section), with the machine.
//
//   npx tsx bench/baskets.ts              20,000 baskets per run, 60 s sustained
//   npx tsx bench/baskets.ts --quick      2,000 per run, 5 s sustained (smoke check)
//   npx tsx bench/baskets.ts --million    1,000,000 baskets at concurrency 64, RSS every 100,000
//
// The child is `node bin/tributary.js start` when dist/ is current, else the same
// CLI from source through tsx (bench/system-process.ts).
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { runStress, type StressResult } from '../src/services/baskets/stress/run.js';
import { cpuMs, rssBytes, rssPeak } from './proc-stats.js';
import { fixed, heading, int, MB, ratio, table } from './report.js';
import { writeResultsSection } from './results-file.js';
import { startSystemProcess, stop, type SystemProcess } from './system-process.js';

const quick = process.argv.includes('--quick');
const million = process.argv.includes('--million');
const REQUESTS = quick ? 2_000 : 20_000;
/** At concurrency 1 a run is one request at a time: fewer of them. */
const SINGLE_REQUESTS = quick ? 500 : 5_000;
const WARMUP = quick ? 500 : 5_000;
const CONCURRENCY = [1, 16, 64, 256];
const SUSTAINED_SECONDS = quick ? 5 : 60;
const SUSTAINED_CONCURRENCY = 64;
const PARTITIONS = Number(process.env.BASKETS_PARTITIONS || 24);

interface Run {
  target: 'tributary' | 'minimal';
  result: StressResult;
  /** CPU of the server process (all its threads) per acknowledged request, ms. */
  cpuPerRequestMs: number;
}

interface Target {
  name: Run['target'];
  url: string;
  pid: number;
}

async function measure(target: Target, requests: number, concurrency: number): Promise<Run> {
  const cpu0 = cpuMs(target.pid);
  const result = await runStress({ url: target.url, requests, concurrency, waitSeconds: 180, verify: target.name === 'tributary' });
  const cpu = cpuMs(target.pid) - cpu0;
  return { target: target.name, result, cpuPerRequestMs: cpu / Math.max(1, result.acknowledged) };
}

async function startMinimal(brokerAddress: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(new URL('./minimal-handler.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, MINIMAL_BROKER: brokerAddress, MINIMAL_TOPIC: 'bench_minimal', MINIMAL_PARTITIONS: String(PARTITIONS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the minimal handler exited with code ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

const loadAtStart = os.loadavg().map((n) => n.toFixed(2)).join(' ');
const runs: Run[] = [];
const memory = { idle: Number.NaN, peak: Number.NaN, after: Number.NaN };
const millionSteps: { baskets: number; rss: number; basketsPerSecond: number }[] = [];
let sustained: Run | undefined;
let readySeconds = Number.NaN;
let failed = false;
let system: SystemProcess | undefined;
let minimal: ChildProcess | undefined;
const check = (run: Run, label: string) => {
  const r = run.result;
  if (!r.ok) failed = true;
  const stored = run.target === 'tributary' ? `; ${r.stored}/${r.acknowledged} stored; ${r.lost.length} lost; ${r.wrong.length} wrong` : '';
  console.error(`  ${label} ${run.target}: ${int(r.basketsPerSecond)} req/s, p50 ${fixed(r.ackLatencyMs.p50, 2)} ms${stored}; ${r.failed} failed`);
};
try {
  const started = Date.now();
  system = await startSystemProcess('baskets');
  readySeconds = (Date.now() - started) / 1000;
  const pid = system.child.pid!;
  memory.idle = rssBytes(pid);
  console.error(`▶ started: ${system.what}, API ${system.url}, broker ${system.brokerAddress}, data in ${system.dataDir}; ready in ${fixed(readySeconds, 1)} s; RSS ${int(memory.idle / MB)} MB`);
  const tributary: Target = { name: 'tributary', url: system.url, pid };
  const peak = rssPeak(pid);
  if (million) {
    for (let done = 0; done < 1_000_000; done += 100_000) {
      const run = await measure(tributary, 100_000, SUSTAINED_CONCURRENCY);
      check(run, `${int(done + 100_000)}:`);
      millionSteps.push({ baskets: done + 100_000, rss: rssBytes(pid), basketsPerSecond: run.result.basketsPerSecond });
    }
  } else {
    const m = await startMinimal(system.brokerAddress);
    minimal = m.child;
    const baseline: Target = { name: 'minimal', url: m.url, pid: m.child.pid! };
    // JIT warm-up of both servers (and of this client), not reported.
    for (const t of [baseline, tributary]) {
      const warm = await measure(t, WARMUP, 16);
      if (!warm.result.ok) throw new Error(`warm-up of ${t.name} failed: ${warm.result.failed} failed, ${warm.result.lost.length} lost`);
    }
    for (const concurrency of CONCURRENCY) {
      const requests = concurrency === 1 ? SINGLE_REQUESTS : REQUESTS;
      console.error(`▶ ${int(requests)} baskets at concurrency ${concurrency}, minimal handler then tributary`);
      for (const t of [baseline, tributary]) {
        const run = await measure(t, requests, concurrency);
        runs.push(run);
        check(run, `c${concurrency}`);
      }
    }
    // As many baskets as the last run at this concurrency acknowledged in SUSTAINED_SECONDS.
    const c64 = runs.find((r) => r.target === 'tributary' && r.result.concurrency === SUSTAINED_CONCURRENCY)!.result.basketsPerSecond;
    const requests = Math.round(c64 * SUSTAINED_SECONDS);
    console.error(`▶ sustained: ${int(requests)} baskets at concurrency ${SUSTAINED_CONCURRENCY} (~${SUSTAINED_SECONDS} s)`);
    sustained = await measure(tributary, requests, SUSTAINED_CONCURRENCY);
    check(sustained, 'sustained');
  }
  memory.peak = peak.stop();
  memory.after = rssBytes(pid);
} catch (err) {
  failed = true;
  console.error(`✘ ${(err as Error).message}`);
  if (system) console.error(`the system's log (${system.logFile}):\n${system.tail()}`);
} finally {
  if (minimal) await stop(minimal);
  await system?.close(failed);
}

const load = os.loadavg().map((n) => n.toFixed(2)).join(' ');
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${fixed(os.totalmem() / 1e9, 1)} GB, Node ${process.version}, load average ${loadAtStart} at the start, ${load} at the end`;
const out: string[] = [];
if (runs.length > 0) {
  const pairs = CONCURRENCY.flatMap((c) => {
    const t = runs.find((r) => r.target === 'tributary' && r.result.concurrency === c);
    const b = runs.find((r) => r.target === 'minimal' && r.result.concurrency === c);
    return t && b ? [{ c, t, b }] : [];
  });
  out.push(heading('POST /data: tributary start vs the minimal handler (Fastify + @platformatic/kafka, no validation, acks=all), same broker'));
  out.push(
    table(
      ['concurrency', 'tributary req/s', 'minimal req/s', 'ratio', 'p50', 'p99', 'minimal p50', 'minimal p99', 'CPU/req', 'minimal CPU/req', 'stored', 'lost', 'wrong', 'failed'],
      pairs.map(({ c, t, b }) => [
        String(c),
        int(t.result.basketsPerSecond),
        int(b.result.basketsPerSecond),
        ratio(t.result.basketsPerSecond, b.result.basketsPerSecond),
        `${fixed(t.result.ackLatencyMs.p50, 2)} ms`,
        `${fixed(t.result.ackLatencyMs.p99, 2)} ms`,
        `${fixed(b.result.ackLatencyMs.p50, 2)} ms`,
        `${fixed(b.result.ackLatencyMs.p99, 2)} ms`,
        `${fixed(t.cpuPerRequestMs, 3)} ms`,
        `${fixed(b.cpuPerRequestMs, 3)} ms`,
        `${int(t.result.stored)}/${int(t.result.acknowledged)}`,
        String(t.result.lost.length),
        String(t.result.wrong.length),
        String(t.result.failed + b.result.failed),
      ]),
    ),
  );
  out.push('req/s: POST /data answered 200 per second; CPU/req: CPU time of the server process (all threads) per request;');
  out.push('stored: acknowledged baskets found in the database, each checked (total, categories).');
}
if (sustained) {
  const r = sustained.result;
  out.push(heading(`Sustained, concurrency ${SUSTAINED_CONCURRENCY}: acknowledged vs stored`));
  out.push(
    table(
      ['baskets', 'seconds', 'acked/s', 'stored/s', 'stored/acked', 'e2e p50', 'e2e p99', 'stored after last ack', 'lost', 'wrong', 'failed'],
      [
        [
          int(r.acknowledged),
          fixed(r.sendSeconds, 1),
          int(r.basketsPerSecond),
          r.storedPerSecond === null ? '-' : int(r.storedPerSecond),
          r.storedPerSecond === null ? '-' : ratio(r.storedPerSecond, r.basketsPerSecond),
          r.endToEndMs ? `${fixed(r.endToEndMs.p50, 0)} ms` : '-',
          r.endToEndMs ? `${fixed(r.endToEndMs.p99, 0)} ms` : '-',
          r.drainSeconds === null ? '-' : `${fixed(r.drainSeconds, 2)} s`,
          String(r.lost.length),
          String(r.wrong.length),
          String(r.failed),
        ],
      ],
    ),
  );
  out.push('acked/s: client clock, first post to last answer; stored/s: database clock, first to last processed_at of the same baskets.');
}
if (millionSteps.length > 0) {
  out.push(heading('1,000,000 baskets at concurrency 64: RSS of tributary start'));
  out.push(
    table(
      ['baskets', 'RSS', 'vs idle', 'acked/s'],
      millionSteps.map((s) => [int(s.baskets), `${int(s.rss / MB)} MB`, ratio(s.rss, memory.idle), int(s.basketsPerSecond)]),
    ),
  );
}
if (Number.isFinite(memory.idle)) {
  out.push(heading('tributary start: memory'));
  out.push(
    table(
      ['ready in', 'idle RSS', 'peak RSS', 'RSS after the runs', 'after vs idle'],
      [[`${fixed(readySeconds, 1)} s`, `${int(memory.idle / MB)} MB`, `${int(memory.peak / MB)} MB`, `${int(memory.after / MB)} MB`, ratio(memory.after, memory.idle)]],
    ),
  );
  out.push('idle: RSS once /readyz answered, before any request; RSS of the whole process (broker, workers and API threads).');
}
out.push(`\nmachine: ${machine}${quick ? '   [--quick]' : ''}`);
const text = out.join('\n');
console.log(text);
if (!quick) writeResultsSection(million ? 'baskets-million' : 'baskets', `npx tsx bench/baskets.ts${million ? ' --million' : ''}`, text);
process.exitCode = failed ? 1 : 0;
