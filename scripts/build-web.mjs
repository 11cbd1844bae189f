// The console's browser bundle for `npm test`: the browser tests load the page
// from dist/console, so a run first makes sure it is there and no older than
// what it is built from (src/web/app, the API's shapes, vite.config.ts). When it
// is fresh nothing runs; when not, `vite build` takes a few seconds.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { walk } from './build-tests.mjs';

const OUT = 'dist/console/index.html';
const SOURCES = ['src/web/app', 'src/web/api/types.ts', 'vite.config.ts', 'package.json'];

function newestSource() {
  let newest = 0;
  for (const s of SOURCES) {
    if (!existsSync(s)) continue;
    const files = statSync(s).isDirectory() ? walk(s) : [s];
    // A folder's time moves when a file in it is added or removed: a deleted view counts too.
    const folders = new Set(files.map((f) => dirname(f)));
    for (const f of [...files, ...folders]) newest = Math.max(newest, statSync(f).mtimeMs);
  }
  return newest;
}

/** True when dist/console is missing or older than a source. */
export function webBuildStale() {
  if (!existsSync(OUT)) return true;
  return statSync(OUT).mtimeMs < newestSource();
}

/** Builds dist/console when stale; answers false when the build failed. */
export function ensureWebBuild() {
  if (!webBuildStale()) return true;
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  console.log('building the console (dist/console is missing or older than src/web/app)');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  return r.status === 0;
}
