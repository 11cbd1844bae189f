// `tributary start`'s layout of one process in three threads: the embedded
// broker (unless the environment names a cluster), every service's workers with
// the database (PGlite opened there, next to the agents that write most, and
// served to the main thread through a MessagePort; with DATABASE_URL each thread
// has its own pool), and the main thread, which runs the API with what
// startThreads() hands back. Both threads start at once, before the main thread
// loads the API's modules, and startThreads() answers as soon as the broker
// listens: the API starts while the workers open the database and join their
// groups (its database queries wait on the port until PGlite is open). stop()
// ends the workers, then the broker.
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Metrics, MetricsJson } from '../http/metrics.js';
import { brokersFromEnv, type KafkaConfig } from '../stream/kafka-config.js';
import type { BrokerThreadData } from './broker-thread.js';
import { securityOptions, securitySettingsFromEnv } from '../broker/security-env.js';
import type { SystemOptions } from './system.js';
import { prettyLogs } from './logger.js';
import { startThread, type Thread } from './thread.js';
import type { WorkersStart, WorkersThreadData } from './workers-thread.js';

export interface ThreadsOptions {
  dataDir: string;
  brokerPort: number;
  logLevel: string;
  /** The Kafka settings for the services, read once the broker's address is known. */
  kafka: () => KafkaConfig;
}

export interface RunningThreads {
  kafka: KafkaConfig;
  /** The embedded broker's address and data folder; undefined when a cluster is used. */
  broker: { address: string; dataDir: string } | undefined;
  /** How the main thread's system opens the database. */
  database: NonNullable<SystemOptions['database']>;
  /** The main thread's metrics, with the workers' figures merged in. */
  metrics: Metrics;
  /** Resolves once every worker runs (its agents joined); rejects when the workers' thread failed to start. */
  workers: Promise<void>;
  stop(): Promise<void>;
}

export async function startThreads(options: ThreadsOptions): Promise<RunningThreads> {
  const { dataDir, logLevel } = options;
  const brokerStarting: Promise<Thread<{ type: 'ready'; address: string; dataDir: string }> | undefined> = brokersFromEnv()
    ? Promise.resolve(undefined)
    : startThread('broker-thread', {
        options: {
          port: options.brokerPort,
          host: '127.0.0.1',
          dataDir: join(dataDir, 'broker'),
          defaultPartitions: 1,
          groupInitialRebalanceDelayMs: 0,
          // BROKER_LISTENERS, BROKER_SASL_USERS, BROKER_TLS_*: a secured broker; the services connect with SASL_* / KAFKA_SSL*.
          ...securityOptions(securitySettingsFromEnv(process.env)),
        },
        logLevel,
        pretty: prettyLogs(),
      } satisfies BrokerThreadData);
  // The Kafka settings, once the broker listens (its port may be chosen at bind).
  const connection = brokerStarting.then((broker) => {
    if (broker) process.env.KAFKA_BROKERS = broker.ready.address;
    return { kafka: options.kafka(), env: { ...process.env } } satisfies WorkersStart;
  });
  const databaseUrl = process.env.DATABASE_URL || undefined;

  // The workers' thread starts beside the broker: it loads its modules and opens
  // PGlite while the broker starts, and gets the Kafka settings when they are known.
  // A restarted `tributary start` stores again that much sooner.
  const channel = databaseUrl ? undefined : new MessageChannel();
  const metricsChannel = new MessageChannel();
  const workersStarting = startThread<{ type: 'ready'; schema?: string }>(
    'workers-thread',
    {
      logLevel,
      pretty: prettyLogs(),
      pgliteDir: databaseUrl ? undefined : join(dataDir, 'db'),
      dbPort: channel?.port2,
      metricsPort: metricsChannel.port2,
    } satisfies WorkersThreadData,
    channel ? [channel.port2, metricsChannel.port2] : [metricsChannel.port2],
    connection,
  );
  // What the main thread needs next is imported while both threads start (this module
  // itself stays light, so they start first): the remote database and the metrics.
  const [remote, { Metrics: MetricsRegistry }] = await Promise.all([import('../db/remote-dialect.js'), import('../http/metrics.js')]);
  let broker: Thread<{ type: 'ready'; address: string; dataDir: string }> | undefined;
  try {
    broker = await brokerStarting;
  } catch (err) {
    await workersStarting.then((w) => w.stop(), () => {});
    throw err;
  }
  const { kafka } = await connection;
  workersStarting.catch(() => {}); // seen by the caller, through `workers`
  const metrics = new MetricsRegistry();
  metrics.addSource(threadMetrics(metricsChannel.port1));
  return {
    kafka,
    broker: broker?.ready,
    // The workers' thread opens PGlite with no schema option: its tables are in public.
    // Queries wait on the port until it is open.
    database: channel ? () => remote.openRemoteDatabase(channel.port1, { schema: 'public' }) : { url: databaseUrl! },
    metrics,
    workers: workersStarting.then(() => {}),
    async stop() {
      await workersStarting.then((w) => w.stop(), () => {});
      metricsChannel.port1.close();
      await broker?.stop();
    },
  };
}

/** Asks the workers' thread for its metrics (at most 2 s, else none). */
function threadMetrics(port: MessagePort): () => Promise<MetricsJson> {
  let next = 1;
  const waiting = new Map<number, (json: MetricsJson) => void>();
  port.on('message', (m: { req: number; json: MetricsJson }) => {
    waiting.get(m.req)?.(m.json);
    waiting.delete(m.req);
  });
  port.unref();
  return () =>
    new Promise((resolve) => {
      const req = next++;
      waiting.set(req, resolve);
      port.postMessage({ req });
      setTimeout(() => {
        waiting.delete(req);
        resolve([]);
      }, 2000).unref();
    });
}
