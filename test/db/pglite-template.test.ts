// A new PGlite folder starts from the cluster packed at build time instead of
// running initdb; a folder that already holds a cluster is opened as it is.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/index.js';
import { readTemplate, templatePath } from '../../src/db/pglite-template.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-template-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the template is named by the PGlite version; a folder without one has none to read', () => {
  assert.match(path.basename(templatePath(dir)), /^pglite-\d+\.\d+\.\d+.*\.tar\.gz$/);
  assert.equal(readTemplate(templatePath(dir)), undefined);
});

test('a new folder is the template cluster, migrated; a folder with a cluster is opened as it is', async () => {
  // A template (as writeTemplate packs one) with a mark in it, to see that the new folder came from it.
  const marked = await PGlite.create();
  await marked.exec('create table template_mark (n int); insert into template_mark values (7)');
  const template = path.join(dir, 'marked.tar.gz');
  fs.writeFileSync(template, Buffer.from(await (await marked.dumpDataDir('gzip')).arrayBuffer()));
  await marked.close();

  const dataDir = path.join(dir, 'db');
  const mark = async (database: Awaited<ReturnType<typeof openDatabase>>) =>
    (await sql<{ n: number }>`select n from template_mark`.execute(database.db)).rows.map((r) => r.n);
  let database = await openDatabase({ url: null, dataDir, template });
  try {
    assert.deepEqual(await mark(database), [7]);
    await sql`update template_mark set n = 8`.execute(database.db);
    await database.db.selectFrom('users').select('id').execute(); // the migrations ran on it
  } finally {
    await database.close();
  }
  database = await openDatabase({ url: null, dataDir, template });
  try {
    assert.deepEqual(await mark(database), [8], 'reopened, not unpacked again');
    // Shared buffers stay resident in the WASM heap: a small pool (open-pglite.ts).
    const buffers = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(database.db);
    assert.equal(buffers.rows[0]!.shared_buffers, '16MB');
  } finally {
    await database.close();
  }
});
