// Makes sure dist/ holds the current src/, for tests that run the CLI as a user
// does: `node bin/tributary.js` on the compiled code, which starts in about a
// second where `node --import tsx` takes several (tsx's loader and transpiling
// every module). `npm ci` / `npm install` build dist/ (the prepare script); after
// an edit in src/, the first such test rebuilds it (`tsc -p tsconfig.build.json`).
// A lock file keeps two test files from building at once: the second waits for
// the first and finds dist/ current.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claimPidFile } from '../../src/db/dir-lock.js';
import { eventually } from './system.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');

/** The first file of src/ whose compiled file in dist/ is missing or older, if any. */
export function staleSource(dir = src): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const stale = staleSource(path);
      if (stale) return stale;
      continue;
    }
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const out = join(dist, relative(src, path)).replace(/\.ts$/, '.js');
    let built: number;
    try {
      built = statSync(out).mtimeMs;
    } catch {
      return relative(root, path);
    }
    if (built < statSync(path).mtimeMs) return relative(root, path);
  }
  return undefined;
}

let current: Promise<void> | undefined;

/** Resolves once dist/ is current, building it if needed (once per test process). */
export function ensureBuilt(): Promise<void> {
  current ??= build().catch((err) => {
    current = undefined;
    throw err;
  });
  return current;
}

async function build(): Promise<void> {
  if (!staleSource()) return;
  await mkdir(dist, { recursive: true });
  const lock = join(dist, '.test-build.lock');
  await eventually(() => claimPidFile(lock), 'another test process to finish building dist/', 180_000);
  try {
    if (!staleSource()) return; // built by the process that held the lock
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    if (code !== 0) throw new Error(`building dist/ failed (tsc exit ${code}):\n${output}`);
  } finally {
    await unlink(lock).catch(() => {});
  }
}
