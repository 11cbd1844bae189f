// The compiled test tree that `npm test` runs: every .ts file of src/ and test/
// transpiled by esbuild (no type check; `npm run typecheck` does that) into
// .test-build/<pid>/ with the same layout, and the other files of those folders
// (fixtures) copied beside them. A test process then loads plain JavaScript
// instead of compiling through tsx's loader hooks, which costs about two seconds
// of CPU per process; inline source maps keep stack traces pointing at the .ts
// lines. The tree is rebuilt on every run (well under a second), so it is never
// stale. The PGlite template `npm run build` packed into dist/db/ is copied to
// the same place in the tree, so a test of a first start takes the path a user's
// does. .test-build/ has no package.json of its own: modules resolve through the
// project's package.json and node_modules, as from src/.
import { buildSync } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

// One tree per run (.test-build/<pid>/), removed when the run ends: two runs in
// one checkout (a whole suite and one file beside it) never rebuild each other's.
export const BASE = '.test-build';
export const OUT = join(BASE, String(process.pid));
/** Each test file's wall time in the runs so far (run-tests.mjs orders the files by it), kept beside the trees. */
export const DURATIONS = 'durations.json';
const ROOTS = ['src', 'test'];
// The console's browser sources are Vite's to build (build-web.mjs), not Node's to run.
const SKIP = ['src/web/app/'];

/** Removes the trees of runs that are no longer running (ended by a signal, say). */
function removeStaleTrees() {
  if (!existsSync(BASE)) return;
  for (const name of readdirSync(BASE)) {
    const pid = Number(name);
    if (name === DURATIONS) continue;
    if (!Number.isInteger(pid) || pid === process.pid || !alive(pid)) rmSync(join(BASE, name), { recursive: true, force: true });
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Removes this run's tree. */
export function removeTests() {
  rmSync(OUT, { recursive: true, force: true });
}

/** Every file under `dir`, in name order. */
export function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Builds the tree; answers the path in it of a file or folder given as a source path. */
export function buildTests() {
  removeStaleTrees();
  rmSync(OUT, { recursive: true, force: true });
  const files = ROOTS.flatMap((r) => walk(r)).filter((f) => !SKIP.some((s) => f.split(sep).join('/').startsWith(s)));
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
  if (existsSync('dist/db')) {
    for (const name of readdirSync('dist/db').filter((n) => /^pglite-.*\.tar\.gz$/.test(n))) cpSync(join('dist/db', name), join(OUT, 'src/db', name));
  }
  return (p) => join(OUT, relative('.', p)).replace(/\.ts$/, '.js');
}
