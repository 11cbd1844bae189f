// Starts Tributary's parts in this process: for the chosen services, their
// topics, then their workers (agents), then the API (their consumers, routes
// and the HTTP server). `npm start` runs all of it; `tributary api` and
// `tributary worker <name>` run one side each. close() stops in the reverse
// order: no new requests, in-flight ones answered, agents commit and leave,
// producers flushed, database closed.
import pino, { type Logger } from 'pino';
import { openDatabase, type Database, type OpenDatabaseOptions } from '../db/index.js';
import { Metrics } from '../http/metrics.js';
import type { HttpServer } from '../http/server.js';
import type { KafkaConfig } from '../stream/kafka-config.js';
import { registerTopicSchemas, topicSchemas, type SchemaTarget } from '../registry/topic-schemas.js';
import type { Service, ServiceContext } from '../services/service.js';
import { SERVICES, SERVICE_NAMES } from './services.js';
import { workerInstanceId } from './instance-id.js';

export interface SystemOptions {
  kafka: KafkaConfig;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /** How to open the database (default: DATABASE_URL, else PGlite in DATA_DIR/db), or a function that opens it. */
  database?: OpenDatabaseOptions | (() => Promise<Database>);
  /** Services to run; default all five. */
  services?: string[];
  /** Run the HTTP API; default on, on PORT (8000) and HOST (127.0.0.1: this machine only). */
  api?: false | { port?: number; host?: string; bodyLimit?: number };
  /** The process's metrics (default: a new registry with Node's process figures). */
  metrics?: Metrics;
  /** Run the workers of these services (true: all that have one). Default true. */
  workers?: boolean | string[];
  /**
   * Register the services' topic schemas here before anything starts
   * (registry/topic-schemas.ts): a change the registry refuses fails the start.
   */
  schemaRegistry?: SchemaTarget;
}

export interface RunningSystem {
  services: Service[];
  ctx: ServiceContext;
  http: HttpServer | undefined;
  /** Base URL of the API as bound, e.g. http://127.0.0.1:8000 (http://0.0.0.0:8000 with HOST=0.0.0.0). */
  url: string | undefined;
  close(): Promise<void>;
}

/** Where the API listens unless HOST says otherwise: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/** The URL of the address the server really listens on (an IPv6 one in brackets). */
function boundUrl(http: HttpServer, port: number): string {
  const address = http.server.address();
  if (!address || typeof address === 'string') return `http://${DEFAULT_HOST}:${port}`;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

export function serviceContext(options: Pick<SystemOptions, 'kafka' | 'env' | 'log' | 'database' | 'metrics'>): ServiceContext & { closeDatabase(): Promise<void> } {
  const log = options.log ?? pino({ name: 'tributary' });
  let database: Promise<Database> | undefined;
  return {
    kafka: options.kafka,
    env: options.env ?? process.env,
    log,
    metrics: options.metrics ?? new Metrics(),
    database() {
      const open = options.database;
      database ??= (
        typeof open === 'function' ? open() : openDatabase({ ...open, log: (level, msg, extra) => log[level]({ ...extra, component: 'db' }, msg) })
      ).catch((err) => {
        database = undefined; // let a later call try again
        throw err;
      });
      return database;
    },
    async closeDatabase() {
      const db = await database?.catch(() => undefined);
      await db?.close();
    },
  };
}

/** Builds the named services (all by default), checking the names. */
export function createServices(ctx: ServiceContext, names: string[] = SERVICE_NAMES): Service[] {
  for (const n of names) {
    if (!(n in SERVICES)) throw new Error(`unknown service "${n}"; the services are ${SERVICE_NAMES.join(', ')}`);
  }
  return names.map((n) => SERVICES[n]!(ctx));
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const ctx = serviceContext(options);
  const services = createServices(ctx, options.services);
  ctx.metrics.track(services.map((s) => s.app), ctx.kafka);
  const workerNames = options.workers === false ? [] : options.workers === true || options.workers === undefined ? services.map((s) => s.name) : options.workers;
  const workers = services.filter((s) => s.hasWorker && workerNames.includes(s.name));
  const started: (() => Promise<void>)[] = [];
  let http: HttpServer | undefined;
  let url: string | undefined;

  const close = async () => {
    if (http) await http.close().catch((err) => ctx.log.error({ err }, 'closing the HTTP server failed'));
    for (const stop of started.reverse()) await stop().catch((err) => ctx.log.error({ err }, 'stopping failed'));
    for (const s of services) await s.app.closeProducer();
    await ctx.closeDatabase();
  };

  try {
    // A bad API_KEYS or RATE_LIMIT fails the start before anything runs. The HTTP side
    // (Fastify) is imported only when there is an API: a worker process starts without it.
    const api = options.api !== false ? await import('./http.js') : undefined;
    const access = api ? (await import('../http/access.js')).httpAccessFromEnv(ctx.env) : undefined;
    if (workers.length > 0) {
      const instance = await workerInstanceId(ctx.env, workers.map((s) => s.name));
      ctx.groupInstanceId = instance.id;
      started.push(() => instance.release());
      ctx.log.info({ groupInstanceId: instance.id }, 'worker group.instance.id');
    }
    if (options.schemaRegistry) {
      const registered = await registerTopicSchemas(options.schemaRegistry, topicSchemas(services.flatMap((s) => s.app.allTopics())));
      ctx.log.info({ subjects: registered.map((r) => `${r.subject} (id ${r.id})`) }, 'topic schemas registered');
    }
    // Topics first, so neither side races the other's creation; the services' side by side.
    await Promise.all(services.map((s) => s.app.createTopics()));
    // Services start side by side: each one's group joins and catch-ups wait on the broker, not on each other.
    await Promise.all(
      workers.map(async (s) => {
        await (s.startWorker ? s.startWorker() : s.app.start());
        started.push(() => (s.stopWorker ? s.stopWorker() : s.app.stop()));
        ctx.log.info({ service: s.name, agents: s.app.agents.map((a) => a.name) }, 'worker started');
      }),
    );
    if (api && options.api !== false) {
      await Promise.all(
        services.map(async (s) => {
          if (!s.startApi) return;
          await s.startApi();
          if (s.stopApi) started.push(() => s.stopApi!());
        }),
      );
      http = await api.buildApiServer({ services, ctx, bodyLimit: options.api?.bodyLimit, access });
      const port = options.api?.port ?? Number(ctx.env.PORT ?? 8000);
      const host = options.api?.host || ctx.env.HOST || DEFAULT_HOST;
      await http.listen({ port, host });
      url = boundUrl(http, port);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { services, ctx, http, url, close };
}
