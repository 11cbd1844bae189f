// The database layer: one Postgres dialect for embedded PGlite (default, in DATA_DIR/db)
// and a real PostgreSQL (DATABASE_URL), one schema migrated at open, one query layer.
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { lockDataDir } from './dir-lock.js';
import { migrateToLatest } from './migrations/index.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Schema } from './schema.js';
import { assertSchemaName } from './sql-utils.js';

export type DbLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL; default env DATABASE_URL; `null` forces PGlite. */
  url?: string | null;
  /** PGlite folder (default `$DATA_DIR/db`, else `./data/db`); `':memory:'` keeps nothing. */
  dataDir?: string;
  /** Create this schema if needed and use it (search_path); default: the current schema. */
  schema?: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** The packed cluster a new PGlite folder starts from (default: the one `npm run build` made, pglite-template.ts). */
  template?: string;
  log?: DbLog;
}

export interface Database {
  db: Kysely<Schema>;
  kind: 'pglite' | 'postgres';
  /** The schema the tables are in. */
  schema: string;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Closes the pool or PGlite (waiting for the query in flight); safe to call twice. */
  close(): Promise<void>;
}

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  const started = performance.now();
  const url = opts.url === undefined ? process.env.DATABASE_URL || undefined : opts.url ?? undefined;
  const wanted = opts.schema === undefined ? undefined : assertSchemaName(opts.schema);
  const log = opts.log ?? (() => {});

  let db: Kysely<Schema>;
  let where: Record<string, unknown>;
  if (url) {
    // Imported here: a process on PGlite does not load pg.
    const { openPostgresPool, redactUrl } = await import('./open-postgres.js');
    const pool = await openPostgresPool({
      url,
      schema: wanted,
      max: opts.poolSize,
      onIdleError: (err) => log('warn', 'idle PostgreSQL connection failed', { error: err.message }),
    });
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    where = { url: redactUrl(url) };
  } else {
    const dataDir = opts.dataDir ?? join(process.env.DATA_DIR || './data', 'db');
    const unlock = dataDir === ':memory:' ? async () => {} : await lockDataDir(dataDir);
    // Imported here: a process on PostgreSQL does not load PGlite.
    const { openPGlite } = await import('./open-pglite.js');
    const pglite = await openPGlite(dataDir, wanted, opts.template).catch(async (err: unknown) => {
      await unlock();
      throw err;
    });
    db = new Kysely<Schema>({ dialect: new PGliteDialect({ pglite, onDestroy: unlock }) });
    where = { dataDir };
  }
  const kind = url ? 'postgres' : 'pglite';

  let schema: string;
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const current = rows[0]?.schema;
    if (!current) throw new Error('no schema in search_path exists (current_schema() is null)');
    schema = current;
    const applied = await migrateToLatest(db, schema);
    log('info', 'database ready', {
      kind,
      ...where,
      schema,
      migrationsApplied: applied.map((r) => r.migrationName),
      ms: Math.round(performance.now() - started),
    });
  } catch (err) {
    await db.destroy().catch(() => {});
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    db,
    kind,
    schema,
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}

export type { Schema, BasketProduct, UsersTable, BasketsTable } from './schema.js';
export { ConflictError, DatabaseUnavailableError, isDatabaseUnavailable, isUniqueViolation } from './errors.js';
export { migrations, migrateToLatest } from './migrations/index.js';
export { PGliteDialect } from './pglite-dialect.js';
export { writeCount } from './writes.js';
export * from './queries/index.js';
