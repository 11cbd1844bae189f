// Opens the embedded PGlite database: in memory (':memory:') or persisted in a folder.
// The WASM build loads once per process; opening a new folder also runs initdb.
import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import { quoteIdent } from './sql-utils.js';

export async function openPGlite(dataDir: string, schema?: string): Promise<PGlite> {
  if (dataDir !== ':memory:') await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create({
    dataDir: dataDir === ':memory:' ? undefined : dataDir,
    // Return the same JS types as `pg` (see ./schema.ts): int8 and date as text.
    parsers: { [types.INT8]: (v: string) => v, [types.DATE]: (v: string) => v },
  });
  if (schema) {
    // PGlite is one session, so a session-level search_path holds for every query.
    await pglite.exec(`create schema if not exists ${quoteIdent(schema)}; set search_path to ${quoteIdent(schema)}`);
  }
  return pglite;
}
