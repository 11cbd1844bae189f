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
// The child is `node bin/tributary.js start` when dist/ is at least as new as
// src/ (`npm run build`), else the same CLI from source through tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runStress, type StressResult } from '../src/services/baskets/stress/run.js';
import { fixed, heading, int, ratio, table } from './report.js';

const quick = process.argv.includes('--quick');
const REQUESTS = quick ? 2_000 : 20_000;
const WARMUP = quick ? 500 : 3_000;
const CONCURRENCY = [16, 64];
const TARGET = 5_000;
const root = path.resolve(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** The start command: the built CLI when dist/ is current, else the sources through tsx. */
function startCommand(): { args: string[]; what: string } {
  const dist = path.join(root, 'dist');
  if (fs.existsSync(path.join(dist, 'cli', 'main.js')) && newestMtime(dist, '.js') >= newestMtime(path.join(root, 'src'), '.ts')) {
    return { args: ['bin/tributary.js', 'start'], what: 'node bin/tributary.js start' };
  }
  return { args: ['--import', 'tsx', 'src/cli/main.ts', 'start'], what: 'node --import tsx src/cli/main.ts start (dist/ is missing or older than src/)' };
}

async function waitReady(url: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tributary start exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`tributary start was not ready within ${timeoutMs / 1000} s`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-baskets-'));
const [port, brokerPort] = [await freePort(), await freePort()];
const url = `http://127.0.0.1:${port}`;
const command = startCommand();
console.error(`▶ starting: ${command.what}, API ${url}, broker :${brokerPort}, data in ${dataDir}`);
const logFile = path.join(dataDir, 'start.log');
const log = fs.openSync(logFile, 'w');
const child = spawn(process.execPath, command.args, {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BROKER_PORT: String(brokerPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', KAFKA_BROKERS: '', DATABASE_URL: '' },
  stdio: ['ignore', log, log],
});
const cleanup = () => {
  if (child.exitCode === null) child.kill('SIGKILL');
};
process.on('exit', cleanup);

const results: StressResult[] = [];
let failed = false;
try {
  const started = Date.now();
  await waitReady(url, child);
  console.error(`  ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
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
  console.error(`✘ ${(err as Error).message}; the system's log: ${logFile}`);
  console.error(fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n'));
} finally {
  await stop(child);
  fs.closeSync(log);
  if (!failed) fs.rmSync(dataDir, { recursive: true, force: true });
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
