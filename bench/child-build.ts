// The broker child (bench/broker-process.ts) as plain JavaScript: src/ and that
// script transpiled by esbuild (no type check) into .test-build/<bench pid>/,
// with the same layout, once per bench process, and removed when it exits.
// A child forked with `--import tsx` compiles every module through tsx's loader
// hooks, about a second of its start and CPU that a broker started from the
// built package (`tributary broker`) never spends: restart figures measured
// that way were mostly tsx. `.test-build/` is where `npm test` keeps its trees
// too (scripts/build-tests.mjs); a tree named after a live process is left alone
// by it, and modules there resolve through the project's node_modules.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The console's browser sources are Vite's to build, not Node's to run. */
const SKIP = path.join('src', 'web', 'app') + path.sep;
let built: string | undefined;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!(rel + path.sep).startsWith(SKIP)) out.push(...tsFiles(rel));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(rel);
    }
  }
  return out;
}

/** The path of the compiled bench/broker-process.js, building the tree on first use. */
export function compiledBrokerProcess(): string {
  if (built === undefined) {
    const out = path.join(ROOT, '.test-build', String(process.pid));
    fs.rmSync(out, { recursive: true, force: true });
    buildSync({
      absWorkingDir: ROOT,
      entryPoints: [...tsFiles('src'), 'bench/broker-process.ts', 'bench/ipc.ts'],
      outdir: out,
      outbase: '.',
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
    });
    process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
    built = path.join(out, 'bench', 'broker-process.js');
  }
  return built;
}
