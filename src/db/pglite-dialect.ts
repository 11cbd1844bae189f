// A Kysely dialect for PGlite (Postgres compiled to WASM, in process). PGlite is one
// session: the driver hands out its single connection under a mutex, so a Kysely
// transaction (begin … commit on that session) never interleaves with other queries.
// Compiler, adapter and introspector are Kysely's Postgres ones: same SQL as `pg`.
import type { PGliteInterface } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { quoteIdent } from './sql-utils.js';
import { countWrite, isWrite } from './writes.js';

export interface PGliteDialectConfig {
  /** The PGlite instance, or a function that opens it on the driver's first use. */
  pglite: PGliteInterface | (() => Promise<PGliteInterface>);
  /** Called after PGlite is closed (by `Kysely.destroy()`). */
  onDestroy?: () => Promise<void>;
}

/** Postgres SQL over one session: Kysely's Postgres compiler, adapter and introspector; the driver is the subclass's. */
export abstract class SessionDialect implements Dialect {
  abstract createDriver(): Driver;
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

export class PGliteDialect extends SessionDialect {
  constructor(private readonly config: PGliteDialectConfig) {
    super();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.config);
  }
}

/** A FIFO lock: `acquire()` resolves with the function that releases it. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    return previous.then(() => release);
  }
}

/**
 * A driver over one SQL session: transactions and savepoints are statements on
 * the connection it hands out (PGlite here, a PGlite in another thread in
 * remote-dialect.ts).
 */
export abstract class SessionDriver implements Driver {
  abstract init(): Promise<void>;
  abstract acquireConnection(): Promise<DatabaseConnection>;
  abstract releaseConnection(conn: DatabaseConnection): Promise<void>;
  abstract destroy(): Promise<void>;

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let text = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      text = 'start transaction';
      if (settings.isolationLevel) text += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) text += ` ${settings.accessMode}`;
    }
    await conn.executeQuery(CompiledQuery.raw(text));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }

  async releaseSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }
}

class PGliteDriver extends SessionDriver {
  private pglite?: PGliteInterface;
  private connection?: PGliteConnection;
  private readonly lock = new Mutex();
  private release?: () => void;

  constructor(private readonly config: PGliteDialectConfig) {
    super();
  }

  async init(): Promise<void> {
    const { pglite } = this.config;
    this.pglite = typeof pglite === 'function' ? await pglite() : pglite;
    this.connection = new PGliteConnection(this.pglite);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.lock.acquire();
    if (!this.connection) {
      release();
      throw new Error('PGlite driver has been destroyed');
    }
    this.release = release;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    // Wait for the query or transaction in flight, then close.
    const release = await this.lock.acquire();
    try {
      const pglite = this.pglite;
      this.pglite = undefined;
      this.connection = undefined;
      if (pglite && !pglite.closed) await pglite.close();
      if (pglite) await this.config.onDestroy?.();
    } finally {
      release();
    }
  }
}

const ROW_COUNT_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGliteInterface) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pglite.query<R>(query.sql, [...query.parameters]);
    const command = (result as { command?: string }).command?.toUpperCase();
    if (isWrite(command)) countWrite(true);
    return {
      rows: result.rows ?? [],
      numAffectedRows:
        command && ROW_COUNT_COMMANDS.has(command) ? BigInt(result.affectedRows ?? 0) : undefined,
    };
  }

  // PGlite has no cursors: run the query whole, then hand the rows out in chunks.
  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new Error('chunkSize must be a positive integer');
    const { rows } = await this.executeQuery<R>(query);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}
