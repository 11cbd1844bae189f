// Loaded into every test process by scripts/run-tests.mjs: as the process exits,
// appends one JSON line to the file TEST_USAGE names, with the test file, its
// wall time and its CPU time (its own and that of the child processes it waited
// for: the CLI processes, servers and shells a test starts), so the run can say
// which files cost the most.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { cpuTimes } from './cpu-time.mjs';

const out = process.env.TEST_USAGE;
// NODE_TEST_CONTEXT marks a process the runner started for a test file (not the runner itself).
if (out && process.env.NODE_TEST_CONTEXT) {
  process.on('exit', () => {
    const cpu = cpuTimes();
    if (cpu === undefined) return;
    const line = { file: process.argv[1], wall: performance.now() / 1000, cpu: cpu.self + cpu.children };
    appendFileSync(out, `${JSON.stringify(line)}\n`);
  });
}
