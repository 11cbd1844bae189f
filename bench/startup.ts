// `npm run bench` (start-up part): `tributary start` (`node bin/tributary.js
// start`, as `npm start` runs it) from its spawn to the first 200 of /readyz, five
// times on a fresh data dir and five times on a restart of that dir after a clean
// stop, interleaved (fresh 1, its restart, fresh 2, …) so a change in the
// machine's load falls on both. Each start has its own DATA_DIR and free ports.
// Printed: the median, min and max of each, and the process's CPU (every thread,
// from /proc) at the moment it was ready, which says what the start costs
// whatever else the machine runs; and the load average.
// Targets: fresh ≤ 3 s, restart ≤ 2 s (medians).
//
//   npx tsx bench/startup.ts [--runs N]
//   TRIBUTARY_ROOT=/other/checkout npx tsx bench/startup.ts   another built checkout, for a baseline
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixed, table } from './report.js';
import { freePort, root as benchRoot, stop } from './system-process.js';

const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt === -1 ? 5 : Number(process.argv[runsAt + 1]);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('usage: npx tsx bench/startup.ts [--runs N] (N a positive integer)');
  process.exit(2);
}
const TARGET_FRESH_S = 3;
const TARGET_RESTART_S = 2;
const root = process.env.TRIBUTARY_ROOT ? path.resolve(process.env.TRIBUTARY_ROOT) : benchRoot;
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  console.error(`${root}/dist is missing: run \`npm run build\` there first (the bench starts bin/tributary.js, as npm start does)`);
  process.exit(1);
}
const CLOCK_TICK_MS = 10; // USER_HZ = 100 on Linux

/** The process's user + system CPU so far (all its threads), from /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

interface Start {
  ms: number;
  cpuMs: number;
}

/** One `tributary start` on `dataDir`: spawned, polled until /readyz answers 200, stopped. */
async function startOnce(dataDir: string): Promise<Start> {
  const [port, brokerPort] = [await freePort(), await freePort()];
  const log = fs.openSync(path.join(dataDir, '..', `${path.basename(dataDir)}.log`), 'a');
  const spawned = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['bin/tributary.js', 'start'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BROKER_PORT: String(brokerPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', KAFKA_BROKERS: '', DATABASE_URL: '' },
    stdio: ['ignore', log, log],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`tributary start exited with code ${child.exitCode} (its log: ${dataDir}.log)`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.arrayBuffer().then(() => r.ok),
        () => false,
      );
      if (ok) return { ms: performance.now() - spawned, cpuMs: cpuMs(child.pid!) };
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await stop(child);
    fs.closeSync(log);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-startup-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
const loadBefore = os.loadavg()[0]!;
const fresh: Start[] = [];
const restart: Start[] = [];
console.log(`\nstart-up: ${root}/bin/tributary.js start, to the first 200 of /readyz, ${RUNS} fresh and ${RUNS} restarts (node ${process.version})`);
for (let run = 1; run <= RUNS; run++) {
  const dataDir = path.join(work, `run-${run}`);
  fresh.push(await startOnce(dataDir));
  restart.push(await startOnce(dataDir));
  console.log(`  run ${run}: fresh ${fixed(fresh.at(-1)!.ms / 1000, 2)} s (CPU ${fixed(fresh.at(-1)!.cpuMs / 1000, 2)} s), restart ${fixed(restart.at(-1)!.ms / 1000, 2)} s (CPU ${fixed(restart.at(-1)!.cpuMs / 1000, 2)} s)`);
}
const loadAfter = os.loadavg()[0]!;

const row = (name: string, starts: Start[], target: number) => {
  const ms = starts.map((s) => s.ms);
  const m = median(ms) / 1000;
  return [name, fixed(m, 2), fixed(Math.min(...ms) / 1000, 2), fixed(Math.max(...ms) / 1000, 2), fixed(median(starts.map((s) => s.cpuMs)) / 1000, 2), `≤ ${target} s`, m <= target ? 'ok' : 'FAIL'];
};
console.log(
  '\n' +
    table(
      ['start', 'median s', 'min s', 'max s', 'CPU at ready (median) s', 'target', ''],
      [row('fresh data dir', fresh, TARGET_FRESH_S), row('restart', restart, TARGET_RESTART_S)],
      ['l', 'r', 'r', 'r', 'r', 'l', 'l'],
    ),
);
console.log(`load average (1 min) ${fixed(loadBefore, 2)} before, ${fixed(loadAfter, 2)} after, on ${os.cpus().length} CPUs`);
