#!/usr/bin/env node
// The `tributary` command. Runs the compiled CLI (built by `npm run build`, which
// `npm install` runs through the prepare script).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node 22.1+ keeps the compiled code of the modules on disk (NODE_COMPILE_CACHE, default
// in the temp dir): a restarted worker loads its modules faster. Older Node: no-op.
module.enableCompileCache?.();

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('tributary: dist/ is missing; run `npm run build` (or `npm install`) first.');
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
