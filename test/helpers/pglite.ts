// A fresh PGlite folder without paying for initdb each time: initdb runs once
// (per PGlite version, kept in the temp folder across runs) into a template, and
// each test gets a copy, which PGlite opens as the cluster it is. Opening a new
// folder costs about 5 s of CPU in initdb; a copy costs a fraction of a second.
// Tests of the first-start path itself (`tributary start` on an empty DATA_DIR)
// do not use it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pgliteVersion } from '../../src/db/pglite-template.js';

const version = pgliteVersion();
const template = path.join(os.tmpdir(), `tributary-pglite-template-${version}`);
let ready: Promise<void> | undefined;

async function makeTemplate(): Promise<void> {
  if (fs.existsSync(path.join(template, 'PG_VERSION'))) return;
  // Built beside and renamed into place, so a concurrent test file never sees half a cluster.
  const building = `${template}.${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create({ dataDir: building });
  await pglite.close();
  try {
    fs.renameSync(building, template);
  } catch {
    // Another test file made it first.
    fs.rmSync(building, { recursive: true, force: true });
  }
}

/** Fills `dir` (created if missing, and empty) with a freshly initialised PGlite cluster. */
export async function seedPGlite(dir: string): Promise<void> {
  ready ??= makeTemplate();
  await ready;
  fs.cpSync(template, dir, { recursive: true });
}
