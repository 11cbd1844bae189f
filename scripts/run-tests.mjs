// `npm test`: every test/**/*.test.ts through Node's built-in runner, from the
// compiled test tree (build-tests.mjs: .test-build/<pid>/, built first, in well under
// a second), so the runner's own summary is printed, then the run's wall time and
// CPU time. The console's browser bundle (dist/console, which the browser tests
// load) is rebuilt first when missing or older than its sources (build-web.mjs).
// Extra arguments narrow the run: `npm test -- test/broker/log` runs
// the files under that folder. The files that took longest in earlier runs
// start first (test-run.mjs). A file ends once its tests are done even if a
// client left a handle open (forceExit; test-exit.mjs lets its last results
// reach the runner first). After the run, the files that cost the most CPU are
// listed.
//
// Every test has a time limit (TEST_TIMEOUT ms, default 120 s, set in each test
// process by scripts/test-timeout.mjs): a test that hangs fails with its name
// instead of holding the run until CI gives up.
// Files run TEST_CONCURRENCY at a time (default 2): each starts its own broker
// on port 0 with its own data folders and databases, and most of a file's time
// is spent waiting on sockets and child processes, not on the CPU.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BASE, buildTests, DURATIONS, OUT, removeTests, walk } from './build-tests.mjs';
import { cpuTimes } from './cpu-time.mjs';
import { ensureWebBuild } from './build-web.mjs';

const collect = (dir) => walk(dir).filter((p) => p.endsWith('.test.ts'));

function intSetting(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name} must be an integer of at least ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((r) => (statSync(r).isDirectory() ? collect(r) : [r])).map((f) => relative('.', f));
if (files.length === 0) {
  console.error('no test files found under', roots.join(', '));
  process.exit(1);
}
// The browser tests load dist/console: (re)built here when missing or stale.
if (!ensureWebBuild()) {
  console.error('the console build (vite build) failed');
  process.exit(1);
}
const compiled = buildTests();
const timeout = intSetting('TEST_TIMEOUT', 120_000);
const concurrency = intSetting('TEST_CONCURRENCY', 2);
const usage = join(OUT, 'usage.jsonl');
const preload = ['test-timeout.mjs', 'test-exit.mjs', 'test-usage.mjs'].flatMap((f) => ['--import', new URL(`./${f}`, import.meta.url).href]);
const started = process.hrtime.bigint();
const ordered = longestFirst(files);
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', ...preload, new URL('./test-run.mjs', import.meta.url).pathname, ...ordered.map(compiled)],
  { stdio: 'inherit', env: { ...process.env, TEST_TIMEOUT: String(timeout), TEST_USAGE: usage, TEST_CONCURRENCY: String(concurrency) } },
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const rows = readUsage();
saveDurations(rows);
printUsage(rows);
removeTests();
const cpu = cpuTimes()?.children;
console.log(`\ntests: ${files.length} file(s) in ${seconds.toFixed(1)} s wall time${cpu === undefined ? '' : `, ${cpu.toFixed(1)} s CPU (user + system, every test process)`}; concurrency ${concurrency}, per-test timeout ${timeout / 1000} s`);
process.exit(result.status ?? 1);

/** `files` with those that took longest in earlier runs first (the others, new ones, after them, by name). */
function longestFirst(files) {
  const known = readDurations();
  return [...files].sort((a, b) => (known[b] ?? -1) - (known[a] ?? -1));
}

function readDurations() {
  try {
    return JSON.parse(readFileSync(join(BASE, DURATIONS), 'utf8'));
  } catch {
    return {};
  }
}

/** Records each file's wall time for the next run's order, over those of earlier runs. */
function saveDurations(rows) {
  const durations = { ...readDurations(), ...Object.fromEntries(rows.map((r) => [r.file, Math.round(r.wall * 10) / 10])) };
  const tmp = join(BASE, `${DURATIONS}.${process.pid}`);
  try {
    writeFileSync(tmp, `${JSON.stringify(durations, null, 1)}\n`);
    renameSync(tmp, join(BASE, DURATIONS));
  } catch {
    // Only an order for the next run: a run beside this one may have cleared the folder.
  }
}

/** Each test file's wall and CPU seconds, as its process recorded them (test-usage.mjs), the costliest first. */
function readUsage() {
  if (!existsSync(usage)) return [];
  const rows = readFileSync(usage, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const prefix = `${join(process.cwd(), OUT)}/`;
  for (const r of rows) r.file = r.file.replace(prefix, '').replace(/\.js$/, '.ts');
  return rows.sort((a, b) => b.cpu - a.cpu);
}

/** The files that cost the most CPU (TEST_REPORT of them, 15 by default; 0 for none). */
function printUsage(rows) {
  const count = intSetting('TEST_REPORT', 15, 0);
  if (count === 0 || rows.length === 0) return;
  console.log(`\nthe ${Math.min(count, rows.length)} costliest of ${rows.length} test file(s), CPU s (with their child processes) and wall s:`);
  for (const r of rows.slice(0, count)) console.log(`${r.cpu.toFixed(1).padStart(7)} ${r.wall.toFixed(1).padStart(7)}  ${r.file}`);
}
