// Opens the embedded PGlite database: in memory (':memory:') or persisted in a folder.
// The WASM build loads once per process; memory or a new folder gets the cluster
// packed at build time (pglite-template.ts), or else runs initdb.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { templatePath, unpackTemplate } from './pglite-template.js';
import { quoteIdent } from './sql-utils.js';

const SHARED_BUFFERS = '16MB';

export async function openPGlite(dataDir: string, schema?: string, template?: string): Promise<PGlite> {
  if (dataDir !== ':memory:') {
    await mkdir(dataDir, { recursive: true });
    // A folder without a cluster yet (no PG_VERSION) starts from the template, if there is one.
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) unpackTemplate(dataDir, template);
  }
  // Memory starts from the template too (PGlite unpacks it), instead of running initdb.
  const file = dataDir === ':memory:' ? (template ?? templatePath()) : undefined;
  const loadDataDir = file !== undefined && existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
  const pglite = await PGlite.create({
    dataDir: dataDir === ':memory:' ? undefined : dataDir,
    loadDataDir,
    // PostgreSQL's default 128 MB of shared buffers lives in the WASM heap, where
    // it stays resident for the life of the process; the operating system caches
    // the data files anyway. 16 MB holds the hot index pages of the write path.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
    // Return the same JS types as `pg` (see ./schema.ts): int8 and date as text.
    parsers: { [types.INT8]: (v: string) => v, [types.DATE]: (v: string) => v },
  });
  if (schema) {
    // PGlite is one session, so a session-level search_path holds for every query.
    await pglite.exec(`create schema if not exists ${quoteIdent(schema)}; set search_path to ${quoteIdent(schema)}`);
  }
  return pglite;
}
