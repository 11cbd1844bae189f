// A new PGlite folder starts from the cluster packed at build time (initdb and
// the migrations done) instead of running initdb; a folder that already holds a
// cluster is opened as it is.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createUser, listUsers, openDatabase } from '../../src/db/index.js';
import { templatePath, unpackTemplate, writeTemplate } from '../../src/db/pglite-template.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-template-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the template is named by the PGlite version and the last migration; a folder without one has none to unpack', () => {
  assert.match(path.basename(templatePath(dir)), /^pglite-\d+\.\d+\.\d+.*-\d{3}_\w+\.tar\.gz$/);
  assert.equal(unpackTemplate(path.join(dir, 'none'), templatePath(dir)), false);
  assert.equal(fs.existsSync(path.join(dir, 'none')), false);
});

test('a new folder is the template cluster, already migrated; a folder with a cluster is opened as it is', async () => {
  const template = await writeTemplate(path.join(dir, 'template.tar.gz'));
  const dataDir = path.join(dir, 'db');
  const open = async () => {
    const applied: unknown[] = [];
    const database = await openDatabase({ url: null, dataDir, template, log: (_level, msg, extra) => msg === 'database ready' && applied.push(extra?.migrationsApplied) });
    return { database, applied };
  };
  let { database, applied } = await open();
  try {
    assert.deepEqual(applied, [[]], 'the template came with every migration applied');
    await createUser(database.db, { name: 'Ada', email: 'ada@example.com' });
  } finally {
    await database.close();
  }
  ({ database, applied } = await open());
  try {
    assert.deepEqual((await listUsers(database.db)).map((u) => u.name), ['Ada'], 'reopened, not unpacked again');
    // Shared buffers stay resident in the WASM heap: a small pool (open-pglite.ts).
    const buffers = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(database.db);
    assert.equal(buffers.rows[0]!.shared_buffers, '16MB');
  } finally {
    await database.close();
  }
});

test('an unpacking cut short is unpacked again: the cluster is taken as one only once PG_VERSION is there', async () => {
  const template = path.join(dir, 'template.tar.gz');
  const dataDir = path.join(dir, 'cut');
  assert.equal(unpackTemplate(dataDir, template), true);
  fs.rmSync(path.join(dataDir, 'PG_VERSION'));
  fs.rmSync(path.join(dataDir, 'global'), { recursive: true }); // what a kill during the unpacking leaves out
  const database = await openDatabase({ url: null, dataDir, template });
  try {
    assert.deepEqual(await listUsers(database.db), []);
  } finally {
    await database.close();
  }
});
