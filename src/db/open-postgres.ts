// Opens a `pg` pool on a real PostgreSQL server (DATABASE_URL), with the same result
// types as PGlite (date as 'YYYY-MM-DD' text) and, optionally, its own schema.
import pg from 'pg';
import { quoteIdent } from './sql-utils.js';

const DATE_OID = 1082;

export interface PostgresPoolOptions {
  url: string;
  schema?: string;
  max?: number;
  connectTimeoutMs?: number;
  onIdleError?: (err: Error) => void;
}

export async function openPostgresPool(opts: PostgresPoolOptions): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // search_path as a startup parameter, on every pooled connection before use
    // (the caller has checked the schema name is a plain identifier).
    options: opts.schema ? `-c search_path=${opts.schema}` : undefined,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === DATE_OID ? (v: string) => v : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client whose server went away emits 'error'; unhandled, it would crash.
  pool.on('error', (err) => opts.onIdleError?.(err));
  // So does a checked-out one between two queries (the pool listens only while it
  // is idle): the next query fails instead, as "database unavailable", and the pool
  // drops the client when it comes back.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    if (opts.schema) await createSchema(pool, opts.schema);
    else await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`cannot reach PostgreSQL at ${redactUrl(opts.url)}: ${(err as Error).message}`, { cause: err });
  }
  return pool;
}

// `if not exists` still races with a concurrent create: the loser sees 23505 or 42P06.
async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists ${quoteIdent(schema)}`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
