// `tributary start` (`npm start`): the whole product in one command, in three
// threads of one process: the embedded broker on BROKER_PORT (unless
// KAFKA_BROKERS points at a cluster), every service's workers with the
// database (PGlite in DATA_DIR/db unless DATABASE_URL is set; the main thread
// reaches it through a MessagePort), and the HTTP API on PORT on the main
// thread. Prints the URLs once all of it runs; SIGINT/SIGTERM stop the API,
// then the workers, then the broker. The threads start first, before this thread
// loads the API's modules (Fastify, the Kafka client, the services): they load
// theirs and open PGlite meanwhile.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import type { RunningRegistry } from '../../registry/server.js';
import { schemaTargetFromEnv } from '../../registry/http-target.js';
import { startThreads } from '../../runtime/threads.js';
import { cliKafkaConfig } from '../format.js';
import { cliLogger, runUntilSignal } from '../run-system.js';
import { parsePort } from '../usage.js';

const HELP = `Usage: tributary start [options]

Runs the embedded broker, the database, every worker and the HTTP API.

  --port <n>          HTTP port (default PORT or 8000)
  --host <addr>       HTTP interface (default HOST or 127.0.0.1; 0.0.0.0 for every interface)
  --broker-port <n>   embedded broker port (default BROKER_PORT or 9092)
  --data-dir <dir>    broker and PGlite data (default DATA_DIR or ./data)

Environment: KAFKA_BROKERS (use that cluster, start no broker), DATABASE_URL
(use that PostgreSQL), TOPICS_NAME, TOPICS_PARTITIONS, TOPICS_REPLICAS,
KAFKA_TOPIC, LOG_LEVEL, SCHEMA_REGISTRY_PORT (also serve the schema registry,
Confluent's REST API on the _schemas topic, on that port, with every topic's value
schema registered at start: a breaking change stops it), SCHEMA_REGISTRY_URL
(register them in that registry instead), API_KEYS (comma-separated: every route but /healthz and
/readyz needs Authorization: Bearer <key>), RATE_LIMIT (e.g. 100/minute per client
on the write routes). A .env file in the working directory is read.
`;

export async function startCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'broker-port': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values['data-dir']) process.env.DATA_DIR = values['data-dir'];
  if (values['broker-port']) process.env.BROKER_PORT = values['broker-port'];
  const dataDir = process.env.DATA_DIR || './data';
  const port = parsePort('PORT', values.port ?? process.env.PORT ?? '8000');
  const brokerPort = parsePort('BROKER_PORT', process.env.BROKER_PORT ?? '9092');
  const log = cliLogger();
  // How long Node took to get here (process start, module load): the first part of a restart's recovery time.
  log.info({ uptimeMs: Math.round(process.uptime() * 1000) }, 'starting');

  const starting = startThreads({ dataDir, brokerPort, logLevel: process.env.LOG_LEVEL ?? 'info', kafka: () => cliKafkaConfig('tributary') });
  // Loaded while the threads start: startSystem's own imports then find them loaded.
  const loading = Promise.all([import('../../runtime/system.js'), import('../../runtime/http.js')]);
  const threads = await starting;
  const { kafka, broker } = threads;
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const registryPort = process.env.SCHEMA_REGISTRY_PORT?.trim();
  let registry: RunningRegistry | undefined;
  let postgres: string | undefined;
  try {
    await loading;
    if (databaseUrl) postgres = (await import('../../db/open-postgres.js')).redactUrl(databaseUrl);
    if (registryPort) {
      const { startRegistry } = await import('../../registry/server.js');
      registry = await startRegistry({ kafka, log, port: parsePort('SCHEMA_REGISTRY_PORT', registryPort), host: values.host ?? process.env.HOST });
    }
  } catch (err) {
    await threads.stop();
    throw err;
  }

  return runUntilSignal(
    {
      kafka,
      log,
      database: threads.database,
      api: { port, host: values.host ?? process.env.HOST },
      workers: false,
      metrics: threads.metrics,
      schemaRegistry: registry?.registry ?? schemaTargetFromEnv(process.env),
    },
    (system) => {
      const url = system.url!;
      const lines = [
        '',
        'Tributary is running',
        // What the server is bound to, not what one would like it to be.
        `  API        ${url}${/^http:\/\/(0\.0\.0\.0|\[::\])[:]/.test(url) ? ' (every interface)' : ''}`,
        `  Console    ${url}/console/`,
        `  Docs       ${url}/docs`,
        `  AsyncAPI   ${url}/asyncapi.json`,
        `  Metrics    ${url}/metrics`,
        `  Health     ${url}/healthz, ${url}/readyz`,
        `  Kafka      ${broker ? `${broker.address} (embedded, data in ${broker.dataDir})` : kafka.brokers.join(',')}`,
        ...(registry ? [`  Schemas    ${registry.url} (schema registry, topic ${registry.registry.store.topic})`] : []),
        `  Database   ${postgres ?? `PGlite in ${join(dataDir, 'db')}`}`,
        `  Systems    ${system.services.map((s) => s.name).join(', ')}`,
        '',
        'Press Ctrl+C to stop.',
        '',
      ];
      process.stdout.write(lines.join('\n'));
    },
    async () => {
      await registry?.close();
      await threads.stop();
    },
    threads.workers,
  );
}
