// The compiled test tree that `npm test` runs: every .ts file of src/ and test/
// transpiled by esbuild (no type check; `npm run typecheck` does that) into
// .test-build/ with the same layout, and the other files of those folders
// (fixtures) copied beside them. A test process then loads plain JavaScript
// instead of compiling through tsx's loader hooks, which costs about two seconds
// of CPU per process; inline source maps keep stack traces pointing at the .ts
// lines. The tree is rebuilt on every run (well under a second), so it is never
// stale. .test-build/ has no package.json of its own: modules resolve through the
// project's package.json and node_modules, as from src/.
import { buildSync } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const OUT = '.test-build';
const ROOTS = ['src', 'test'];

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Builds the tree; answers the path in it of a file or folder given as a source path. */
export function buildTests() {
  rmSync(OUT, { recursive: true, force: true });
  const files = ROOTS.flatMap((r) => walk(r));
  const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  buildSync({
    entryPoints: sources,
    outdir: OUT,
    outbase: '.',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  for (const f of files.filter((f) => !f.endsWith('.ts'))) {
    mkdirSync(dirname(join(OUT, f)), { recursive: true });
    cpSync(f, join(OUT, f));
  }
  return (p) => join(OUT, relative('.', p)).replace(/\.ts$/, '.js');
}
