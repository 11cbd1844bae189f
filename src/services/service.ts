// What a system is to the rest of Tributary: a folder in src/services/ that
// exports a factory building its stream app (topics, agents, tables), its HTTP
// routes and, where it has them, the consumers its API runs itself. The same
// Service object serves `tributary api` (routes + startApi), `tributary worker
// <name>` (startWorker) and `npm start` (both, in one process).
import type { Logger } from 'pino';
import type { Database } from '../db/index.js';
import type { App } from '../stream/app.js';
import type { KafkaConfig } from '../stream/kafka-config.js';
import type { Metrics } from '../http/metrics.js';
import type { HttpServer } from '../http/server.js';

export interface ServiceContext {
  kafka: KafkaConfig;
  /** The environment (after `.env`); services read their own settings from it. */
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Opens the database on first call (migrations run once) and shares it between services. */
  database(): Promise<Database>;
  metrics: Metrics;
  /** The group.instance.id of this process's workers (instance-id.ts), set before they start. */
  groupInstanceId?: string;
}

export interface Service {
  /** Folder name and `tributary worker <name>` argument. */
  readonly name: string;
  readonly description: string;
  /** Topics, agents and tables; its topics are created when the API or the worker starts. */
  readonly app: App;
  /** Whether `startWorker` has agents to run (players and state have none). */
  readonly hasWorker: boolean;
  /**
   * Adds the routes (and hooks) to the root server. Called on the root instance,
   * not in an encapsulated plugin, so a hook applies to every route of the API.
   * The services import their routes.ts here, on use: a worker process then never
   * loads the HTTP side (Fastify, the players' faker), which is most of its start.
   */
  routes?(http: HttpServer): void | Promise<void>;
  /** Starts what the API itself consumes (the state follower, table views); topics exist by then. */
  startApi?(): Promise<void>;
  stopApi?(): Promise<void>;
  /** Starts the agents; default `app.start()`. */
  startWorker?(): Promise<void>;
  stopWorker?(): Promise<void>;
}

export type ServiceFactory = (ctx: ServiceContext) => Service;
