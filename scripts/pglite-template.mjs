// Part of `npm run build`, after tsc: packs a freshly initialised PGlite cluster
// into dist/db/, where the database layer looks for it (src/db/pglite-template.ts).
// A template already there for the installed PGlite is kept (a rebuild, or npx
// preparing a copy of this folder, pays nothing for it).
import { existsSync } from 'node:fs';
import { templatePath, writeTemplate } from '../dist/db/pglite-template.js';

const file = templatePath();
if (existsSync(file)) {
  console.log(`${file}: PGlite template already built`);
} else {
  const started = performance.now();
  await writeTemplate(file);
  console.log(`${file}: PGlite template (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
