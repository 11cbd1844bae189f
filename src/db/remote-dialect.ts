// PGlite shared across threads of one process. PGlite lives in one thread (in
// `npm start`, the workers' thread, next to the agents that write most); other
// threads reach it through a MessagePort: `serveDatabase` answers on the owner's
// side, `openRemoteDatabase` is a Kysely dialect on the other. A remote
// connection holds the owner's PGlite session (its mutex) from acquire to
// release, so a transaction never interleaves with the owner's own queries.
import type { MessagePort } from 'node:worker_threads';
import { CompiledQuery, Kysely, sql, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';
import type { Database } from './index.js';
import { SessionDialect, SessionDriver } from './pglite-dialect.js';
import type { Schema } from './schema.js';
import { countWrite, writeCount } from './writes.js';

type Request = { op: 'acquire'; id: number } | { op: 'query'; id: number; req: number; sql: string; params: unknown[] } | { op: 'release'; id: number };
type Reply =
  | { type: 'acquired'; id: number; error?: SerializedError }
  | { type: 'result'; req: number; rows?: unknown[]; numAffectedRows?: bigint; wrote?: boolean; error?: SerializedError };

/** What survives the thread boundary of a driver error: Postgres' fields that callers test. */
interface SerializedError {
  message: string;
  code?: string;
  constraint?: string;
  detail?: string;
  table?: string;
  column?: string;
}

function serialize(err: unknown): SerializedError {
  const e = err as Record<string, unknown>;
  const out: SerializedError = { message: err instanceof Error ? err.message : String(err) };
  for (const k of ['code', 'constraint', 'detail', 'table', 'column'] as const) if (typeof e?.[k] === 'string') out[k] = e[k] as string;
  return out;
}

function revive(e: SerializedError): Error {
  return Object.assign(new Error(e.message), e);
}

/** Serves `database` to another thread on `port`; returns the function that stops serving. */
export function serveDatabase(port: MessagePort, database: Database): () => void {
  const sessions = new Map<number, { conn: Kysely<Schema>; release: () => void }>();
  const reply = (m: Reply) => port.postMessage(m);
  const onMessage = (m: Request) => {
    if (m.op === 'acquire') {
      database.db
        .connection()
        .execute(
          (conn) =>
            new Promise<void>((release) => {
              sessions.set(m.id, { conn, release });
              reply({ type: 'acquired', id: m.id });
            }),
        )
        .catch((err: unknown) => reply({ type: 'acquired', id: m.id, error: serialize(err) }));
    } else if (m.op === 'query') {
      const session = sessions.get(m.id);
      if (!session) return reply({ type: 'result', req: m.req, error: { message: `remote connection ${m.id} is not acquired` } });
      const writes = writeCount();
      session.conn.executeQuery(CompiledQuery.raw(m.sql, m.params)).then(
        // wrote: the caller counts its write when the answer arrives, not only when the broadcast does.
        (r) => reply({ type: 'result', req: m.req, rows: r.rows as unknown[], numAffectedRows: r.numAffectedRows, wrote: writeCount() !== writes }),
        (err: unknown) => reply({ type: 'result', req: m.req, error: serialize(err) }),
      );
    } else {
      sessions.get(m.id)?.release();
      sessions.delete(m.id);
    }
  };
  port.on('message', onMessage);
  return () => {
    port.off('message', onMessage);
    for (const s of sessions.values()) s.release();
    sessions.clear();
  };
}

class RemoteDriver extends SessionDriver {
  private nextId = 1;
  private nextReq = 1;
  private readonly waiting = new Map<string, { resolve: (r: Reply) => void }>();
  private destroyed = false;

  constructor(private readonly port: MessagePort) {
    super();
  }

  async init(): Promise<void> {
    this.port.on('message', (m: Reply) => {
      const key = m.type === 'acquired' ? `a${m.id}` : `q${m.req}`;
      const w = this.waiting.get(key);
      this.waiting.delete(key);
      w?.resolve(m);
    });
  }

  private call(key: string, message: Request): Promise<Reply> {
    if (this.destroyed) return Promise.reject(new Error('the remote database has been closed'));
    return new Promise((resolve) => {
      this.waiting.set(key, { resolve });
      this.port.postMessage(message);
    });
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const id = this.nextId++;
    const r = await this.call(`a${id}`, { op: 'acquire', id });
    if (r.error) throw revive(r.error);
    return new RemoteConnection(id, async (sqlText, params) => {
      const req = this.nextReq++;
      const res = (await this.call(`q${req}`, { op: 'query', id, req, sql: sqlText, params })) as Extract<Reply, { type: 'result' }>;
      if (res.wrote) countWrite(false);
      if (res.error) throw revive(res.error);
      return { rows: res.rows ?? [], numAffectedRows: res.numAffectedRows };
    });
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    if (!this.destroyed) this.port.postMessage({ op: 'release', id: (conn as RemoteConnection).id } satisfies Request);
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.port.close();
  }
}

class RemoteConnection implements DatabaseConnection {
  constructor(
    readonly id: number,
    private readonly run: (sqlText: string, params: unknown[]) => Promise<QueryResult<unknown>>,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return (await this.run(query.sql, [...query.parameters])) as QueryResult<R>;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on a remote PGlite');
  }
}

class RemoteDialect extends SessionDialect {
  constructor(private readonly port: MessagePort) {
    super();
  }
  createDriver(): Driver {
    return new RemoteDriver(this.port);
  }
}

/** The database served on `port` by `serveDatabase` in another thread (already migrated there). */
export async function openRemoteDatabase(port: MessagePort, info: { schema: string }): Promise<Database> {
  const db = new Kysely<Schema>({ dialect: new RemoteDialect(port) });
  let closing: Promise<void> | undefined;
  return {
    db,
    kind: 'pglite',
    schema: info.schema,
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
