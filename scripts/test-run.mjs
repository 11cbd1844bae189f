// The test run scripts/run-tests.mjs starts: Node's runner through its run() API,
// which runs the files in the order given (`node --test` sorts them by name), so
// the files that took longest last time start first and the run does not end on
// one long file started late. The files are the arguments; TEST_CONCURRENCY of
// them run at a time, each in its own process, which gets this process's flags
// (the preloads run-tests.mjs gives). The spec reporter prints as `node --test` does.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const concurrency = Number(process.env.TEST_CONCURRENCY);
const stream = run({ files: process.argv.slice(2), concurrency, forceExit: true });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(spec).pipe(process.stdout);
