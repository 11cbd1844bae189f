// `npm test`: every test/**/*.test.ts through Node's built-in runner (with tsx),
// so the runner's own summary is printed. Extra arguments narrow the run:
// `npm test -- test/broker/log` runs the files under that folder. --test-force-exit
// ends a file once its tests are done even if a client left a handle open.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((r) => (statSync(r).isDirectory() ? collect(r) : [r])).map((f) => relative('.', f));
if (files.length === 0) {
  console.error('no test files found under', roots.join(', '));
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
