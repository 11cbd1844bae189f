// `npm test`: every test/**/*.test.ts through Node's built-in runner, from the
// compiled test tree (build-tests.mjs: .test-build/<pid>/, built first, in well under
// a second), so the runner's own summary is printed, then the run's wall time and
// CPU time. The console's browser bundle (dist/console, which the browser tests
// load) is rebuilt first when missing or older than its sources (build-web.mjs).
// Extra arguments narrow the run: `npm test -- test/broker/log` runs
// the files under that folder. --test-force-exit ends a file once its tests are
// done even if a client left a handle open (test-exit.mjs lets its last results
// reach the runner first).
//
// Every test has a time limit (TEST_TIMEOUT ms, default 120 s, set in each test
// process by scripts/test-timeout.mjs): a test that hangs fails with its name
// instead of holding the run until CI gives up.
// Files run TEST_CONCURRENCY at a time (default 2): each starts its own broker
// on port 0 with its own data folders and databases, and most of a file's time
// is spent waiting on sockets and child processes, not on the CPU.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildTests, OUT, removeTests, walk } from './build-tests.mjs';
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
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', ...preload, '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map(compiled)],
  { stdio: 'inherit', env: { ...process.env, TEST_TIMEOUT: String(timeout), TEST_USAGE: usage } },
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
printUsage(readUsage());
removeTests();
const cpu = cpuTimes()?.children;
console.log(`\ntests: ${files.length} file(s) in ${seconds.toFixed(1)} s wall time${cpu === undefined ? '' : `, ${cpu.toFixed(1)} s CPU (user + system, every test process)`}; concurrency ${concurrency}, per-test timeout ${timeout / 1000} s`);
process.exit(result.status ?? 1);

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
