// Loaded into every test process by scripts/run-tests.mjs: gives each test that
// sets no timeout of its own TEST_TIMEOUT ms, so a hang fails naming the test.
// (node --test-timeout would do it, but on Node 20 it also times each whole
// file, failing a slow file without naming any test.)
import { createRequire, syncBuiltinESMExports } from 'node:module';

const timeout = Number(process.env.TEST_TIMEOUT);
if (Number.isInteger(timeout) && timeout > 0) {
  const nodeTest = createRequire(import.meta.url)('node:test');
  const withTimeout = (original) =>
    function (name, options, fn) {
      // The shapes node:test takes: (fn), (name, fn), (options, fn), (name, options, fn).
      if (typeof name === 'function') return original.call(this, { timeout }, name);
      if (typeof options === 'function' || options === undefined) {
        return typeof name === 'object' && name !== null ? original.call(this, { timeout, ...name }, options) : original.call(this, name, { timeout }, options);
      }
      return original.call(this, name, { timeout, ...options }, fn);
    };
  for (const key of ['test', 'it']) {
    const original = nodeTest[key];
    const wrapped = Object.assign(withTimeout(original), original);
    nodeTest[key] = wrapped;
  }
  syncBuiltinESMExports();
}
