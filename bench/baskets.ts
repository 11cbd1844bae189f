// `npm run bench` (third part): system 5 end to end, as `npm start` runs it.
// Starts `tributary start` as a child process (every service, the embedded
// broker in its thread, PGlite) on free ports in a temp DATA_DIR, warms it up,
// then runs the stress client (src/services/baskets/stress.ts, the code of
// `tributary stress`) at concurrency 16 and 64 and prints baskets/s
// acknowledged, the ratio to the 5,000/s target, latencies, and the seconds
// until the database held every basket. Exit code 1 when a basket was lost,
// stored wrong, or a request failed.
//
//   npx tsx bench/baskets.ts            20,000 baskets per run
//   npx tsx bench/baskets.ts --quick    2,000 per run (smoke check)
//
// The child is `node bin/tributary.js start` when dist/ is current, else the same
// CLI from source through tsx (bench/system-process.ts).
import os from 'node:os';
import { runStress, type StressResult } from '../src/services/baskets/stress/run.js';
import { fixed, heading, int, ratio, table } from './report.js';
import { startSystemProcess, type SystemProcess } from './system-process.js';

const quick = process.argv.includes('--quick');
const REQUESTS = quick ? 2_000 : 20_000;
const WARMUP = quick ? 500 : 3_000;
const CONCURRENCY = [16, 64];
const TARGET = 5_000;

const results: StressResult[] = [];
let failed = false;
let system: SystemProcess | undefined;
try {
  const started = Date.now();
  system = await startSystemProcess('baskets');
  const url = system.url;
  console.error(`▶ started: ${system.what}, API ${url}, broker ${system.brokerAddress}, data in ${system.dataDir}; ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // JIT warm-up of the server (and of this client), not reported.
  const warm = await runStress({ url, requests: WARMUP, concurrency: 16, waitSeconds: 60 });
  if (!warm.ok) throw new Error(`warm-up failed: ${warm.failed} failed, ${warm.lost.length} lost, ${warm.wrong.length} wrong`);
  for (const concurrency of CONCURRENCY) {
    console.error(`▶ stress: ${int(REQUESTS)} baskets at concurrency ${concurrency}`);
    const r = await runStress({ url, requests: REQUESTS, concurrency, waitSeconds: 120 });
    results.push(r);
    if (!r.ok) failed = true;
    console.error(`  ${int(r.basketsPerSecond)} baskets/s acknowledged; ${r.stored}/${r.acknowledged} stored; ${r.lost.length} lost; ${r.wrong.length} wrong; ${r.failed} failed`);
  }
} catch (err) {
  failed = true;
  console.error(`✘ ${(err as Error).message}`);
  if (system) console.error(`the system's log (${system.logFile}):\n${system.tail()}`);
} finally {
  await system?.close(failed);
}

if (results.length > 0) {
  console.log(heading(`Baskets end to end (tributary start: all services, embedded broker, PGlite; ${os.cpus().length} cores)`));
  console.log(
    table(
      ['concurrency', 'baskets', 'acked/s', `vs ${int(TARGET)}/s`, 'ack p50', 'ack p99', 'e2e p50', 'e2e p99', 'all stored in', 'after last ack', 'lost', 'wrong', 'failed'],
      results.map((r) => [
        String(r.concurrency),
        int(r.acknowledged),
        int(r.basketsPerSecond),
        ratio(r.basketsPerSecond, TARGET),
        `${fixed(r.ackLatencyMs.p50, 1)} ms`,
        `${fixed(r.ackLatencyMs.p99, 1)} ms`,
        r.endToEndMs ? `${fixed(r.endToEndMs.p50, 0)} ms` : '-',
        r.endToEndMs ? `${fixed(r.endToEndMs.p99, 0)} ms` : '-',
        r.storedWithinSeconds === null ? '-' : `${fixed(r.storedWithinSeconds, 2)} s`,
        r.drainSeconds === null ? '-' : `${fixed(r.drainSeconds, 2)} s`,
        String(r.lost.length),
        String(r.wrong.length),
        String(r.failed),
      ]),
    ),
  );
  console.log('acked/s: POST /data answered {"status":"ok"} (on delhaize_shop, acks=all); e2e: received_at → processed_at in the database;');
  console.log(`all stored in: first received → last stored (database clock).${quick ? '   [--quick]' : ''}`);
}
process.exitCode = failed ? 1 : 0;
