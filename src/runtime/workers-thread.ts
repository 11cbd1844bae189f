// `npm start`'s workers in a thread of their own: every service's agents, and
// the database when it is PGlite — opened and migrated here, next to the agents
// that write most, and served to the API on the main thread through a
// MessagePort (db/remote-dialect.ts). The API's request handling and the
// agents' consuming and database writes then use both cores. Posts
// { type: 'ready', schema } once the agents run (protocol in thread.ts). The
// database is served as soon as it is open: the API on the main thread waits on
// it (its /readyz), not on the agents.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from '../db/index.js';
import { serveDatabase } from '../db/remote-dialect.js';
import type { KafkaConfig } from '../stream/kafka-config.js';
import { stdoutLogger } from './logger.js';

export interface WorkersThreadData {
  logLevel: string;
  /** Log lines as text (the main thread's stdout is a terminal). */
  pretty: boolean;
  /** PGlite folder; absent with DATABASE_URL (each thread then has its own pool). */
  pgliteDir?: string;
  /** Where to serve PGlite to the main thread. */
  dbPort?: MessagePort;
  /** Where the main thread's /metrics asks for the workers' figures. */
  metricsPort: MessagePort;
}

/** Posted to the thread (as { type: 'start', ... }) once the broker listens. */
export interface WorkersStart {
  kafka: KafkaConfig;
  env: Record<string, string | undefined>;
}

const port = parentPort;
if (!port) throw new Error('workers-thread.ts runs as a worker thread');
const data = workerData as WorkersThreadData;
const log = stdoutLogger('tributary-workers', data.logLevel, data.pretty);

try {
  let stopServing = () => {};
  // Served as soon as it is open. The services' modules load meanwhile, while V8
  // compiles PGlite's WASM on its own threads.
  const opening = data.pgliteDir
    ? openDatabase({ url: null, dataDir: data.pgliteDir, log: (level, msg, extra) => log[level]({ ...extra, component: 'db' }, msg) }).then((db) => {
        if (data.dbPort) stopServing = serveDatabase(data.dbPort, db);
        return db;
      })
    : Promise.resolve(undefined);
  const [database, [{ startSystem }, { Metrics }]] = await Promise.all([opening, Promise.all([import('./system.js'), import('../http/metrics.js')])]);
  log.info('workers loaded'); // a step of a restart's timeline (test/faults/recovery.ts)
  // PGlite opened (above) while the broker was starting; now its address is known.
  const start = await new Promise<WorkersStart>((resolve) => port.once('message', resolve));
  const system = await startSystem({
    kafka: start.kafka,
    env: { ...process.env, ...start.env },
    log,
    database: database ? async () => database : { url: start.env.DATABASE_URL ?? null },
    api: false,
    workers: true,
    // Node's process figures come from the main thread: one process, counted once.
    metrics: new Metrics({ defaultMetrics: false }),
  });
  data.metricsPort.on('message', (m: { req: number }) => {
    system.ctx.metrics.registry.getMetricsAsJSON().then((json) => data.metricsPort.postMessage({ req: m.req, json }));
  });
  port.postMessage({ type: 'ready', schema: database?.schema, workers: system.services.filter((s) => s.hasWorker).map((s) => s.name) });
  port.on('message', (m: { type: string }) => {
    if (m.type !== 'stop') return;
    (async () => {
      stopServing(); // the API on the main thread has stopped by now
      data.metricsPort.close();
      await system.close();
      await database?.close();
    })().then(
      () => port.postMessage({ type: 'stopped' }),
      (err: unknown) => port.postMessage({ type: 'error', message: String(err) }),
    );
  });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
