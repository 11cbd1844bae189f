// Loaded into every test process by scripts/run-tests.mjs. With --test-force-exit
// a test file ends by process.exit() as soon as its last test is done, and the
// results still queued for the runner (they travel over the child's stdout) can
// be cut off: the runner then counts fewer tests than ran and still passes
// (nodejs/node#64833; seen here once on Node 24, a file's last 51 tests gone).
// So the exit waits a few turns of the event loop, enough for the reporter's
// queued events to be written, then exits with the same code.
const exit = process.exit.bind(process);
const TURNS = 20;

process.exit = (code) => {
  let turn = 0;
  const next = () => (++turn < TURNS ? setImmediate(next) : exit(code));
  setImmediate(next);
};
