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
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildTests, removeTests, walk } from './build-tests.mjs';
import { ensureWebBuild } from './build-web.mjs';

const collect = (dir) => walk(dir).filter((p) => p.endsWith('.test.ts'));

function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a positive integer, got "${raw}"`);
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
const timeout = positiveInt('TEST_TIMEOUT', 120_000);
const concurrency = positiveInt('TEST_CONCURRENCY', 2);
const started = process.hrtime.bigint();
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--import', new URL('./test-timeout.mjs', import.meta.url).href, '--import', new URL('./test-exit.mjs', import.meta.url).href, '--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map(compiled)],
  { stdio: 'inherit', env: { ...process.env, TEST_TIMEOUT: String(timeout) } },
);
removeTests();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = childCpuSeconds();
console.log(`\ntests: ${files.length} file(s) in ${seconds.toFixed(1)} s wall time${cpu === undefined ? '' : `, ${cpu.toFixed(1)} s CPU (user + system, every test process)`}; concurrency ${concurrency}, per-test timeout ${timeout / 1000} s`);
process.exit(result.status ?? 1);

/** CPU time of the finished child processes (the runner and every test file it ran), as /usr/bin/time counts it. */
function childCpuSeconds() {
  // Node has no getrusage(RUSAGE_CHILDREN); on Linux /proc has it: cutime and
  // cstime, fields 16 and 17 of /proc/self/stat, in clock ticks (USER_HZ, 100).
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}
