// Runs a db test suite on both backends: embedded PGlite and the PostgreSQL server at
// TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). Every suite on
// PostgreSQL gets its own schema, dropped at the end. Without a reachable server the
// PostgreSQL suite is skipped, except under CI, where it fails.
import { after, describe, test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type OpenDatabaseOptions } from '../../src/db/index.js';
import { redactUrl } from '../../src/db/open-postgres.js';

export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL can't be used, or undefined when it answers. Probed once per file. */
const postgresUnavailable: string | undefined = await probe(POSTGRES_URL);

async function probe(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return `no PostgreSQL at ${redactUrl(url)}: ${(err as Error).message || String(err)}`;
  } finally {
    await client.end().catch(() => {});
  }
}

export type BackendName = 'pglite' | 'postgres';

/** Where a test database lives: a PGlite dir (or memory) or a PostgreSQL schema. */
export type Location = Pick<OpenDatabaseOptions, 'url' | 'dataDir' | 'schema' | 'poolSize'>;
type Log = OpenDatabaseOptions['log'];

export interface Backend {
  name: BackendName;
  /**
   * A new, empty place: PGlite in memory (or a new temp dir with `persistent`), or a
   * new schema on PostgreSQL. Whatever was opened there is closed and removed after
   * the suite.
   */
  location(opts?: { persistent?: boolean }): Promise<Location>;
  open(location: Location, opts?: { log?: Log }): Promise<Database>;
  /** `open(await location(opts))`. */
  fresh(opts?: { persistent?: boolean; log?: Log }): Promise<Database>;
  /** Opens the storage of `of` again (same PGlite dir, same PostgreSQL schema). */
  reopen(of: Database, opts?: { log?: Log }): Promise<Database>;
}

let counter = 0;

function makeBackend(name: BackendName): { backend: Backend; cleanup: () => Promise<void> } {
  const opened: Database[] = [];
  const where = new Map<Database, Location>();
  const dirs: string[] = [];
  const schemas: string[] = [];

  const backend: Backend = {
    name,
    async location(opts = {}) {
      if (name === 'pglite') {
        if (!opts.persistent) return { url: null, dataDir: ':memory:' };
        const dataDir = await mkdtemp(join(tmpdir(), 'tributary-db-'));
        dirs.push(dataDir);
        return { url: null, dataDir };
      }
      const schema = `tributary_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
      schemas.push(schema);
      return { url: POSTGRES_URL, schema, poolSize: 4 };
    },
    async open(location, opts = {}) {
      const database = await openDatabase({ ...location, log: opts.log });
      opened.push(database);
      where.set(database, location);
      return database;
    },
    async fresh(opts = {}) {
      return backend.open(await backend.location(opts), opts);
    },
    async reopen(of, opts = {}) {
      const location = where.get(of);
      if (!location) throw new Error('reopen: not a database opened by this backend');
      if (location.dataDir === ':memory:') throw new Error('reopen: an in-memory PGlite cannot be reopened');
      return backend.open(location, opts);
    },
  };

  async function cleanup(): Promise<void> {
    await Promise.all(opened.map((d) => d.close()));
    if (schemas.length > 0) {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`);
      } finally {
        await client.end();
      }
    }
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }

  return { backend, cleanup };
}

/** Declares `body`'s tests once per backend, as `title (pglite)` and `title (postgres)`. */
export function describeBackends(title: string, body: (backend: Backend) => void): void {
  for (const name of ['pglite', 'postgres'] as const) {
    if (name === 'postgres' && postgresUnavailable) {
      const reason = postgresUnavailable;
      test(`${title} (postgres)`, (t) => {
        if (process.env.CI) throw new Error(`${reason} (CI must reach PostgreSQL)`);
        t.skip(reason);
      });
      continue;
    }
    describe(`${title} (${name})`, () => {
      const { backend, cleanup } = makeBackend(name);
      after(cleanup);
      body(backend);
    });
  }
}
