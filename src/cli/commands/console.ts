// `tributary console`: the web console alone, against any Kafka cluster: the
// page, its API and live streams (src/web/api), and the five systems'
// declarations for the processing graph and for decoding their topics, but no
// system runs and no database opens. Runs until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { httpAccessFromEnv } from '../../http/access.js';
import { Metrics } from '../../http/metrics.js';
import { buildHttpServer, type HttpServer } from '../../http/server.js';
import { kafkaConfigFromEnv, type KafkaConfig } from '../../stream/kafka-config.js';
import { consoleRoutes } from '../../web/api/routes.js';
import { rootRoute } from '../../web/api/static.js';
import { declaredServices } from '../decode.js';
import { cliKafkaConfig } from '../format.js';
import { processIo, type Io } from '../io.js';
import { cliLogger, waitForSignal } from '../run-system.js';
import { parsePort, UsageError } from '../usage.js';

const HELP = `Usage: tributary console [options]

The web console alone: topics, messages, consumer groups, the processing graph
and dead letters of any Kafka cluster, at http://HOST:PORT/ (no system runs,
no database opens).

  --brokers <h:p,...>   the cluster (default KAFKA_BROKERS, else 127.0.0.1:BROKER_PORT)
  --port <n>            HTTP port (default PORT or 8080)
  --host <addr>         interface (default HOST or 127.0.0.1; 0.0.0.0 for every interface)

SASL_* and KAFKA_SSL as for every command; API_KEYS and RATE_LIMIT as for
\`tributary start\`.
`;

export interface RunningConsole {
  http: HttpServer;
  url: string;
  close(): Promise<void>;
}

/** Builds and starts the console server (for the command and its tests). */
export async function startConsole(options: { kafka: KafkaConfig; port: number; host: string; env: NodeJS.ProcessEnv; log: Logger }): Promise<RunningConsole> {
  const access = httpAccessFromEnv(options.env);
  const services = await declaredServices(options.kafka, options.env);
  const metrics = new Metrics();
  const http = await buildHttpServer({
    log: options.log,
    metrics,
    access,
    docs: {
      title: 'Tributary console',
      description: 'The web console of a Kafka cluster: its JSON API and live streams',
      version: '0.1.0',
      tags: [{ name: 'console', description: 'Cluster, topics, messages, groups, graph and dead letters; each GET has a live twin under /api/console/live/' }],
    },
  });
  try {
    const { page } = await consoleRoutes(http, { kafka: options.kafka, services, declaredOnly: true, metrics, authRequired: access.apiKeys.length > 0 });
    rootRoute(http, page, () => ({
      name: 'Tributary console',
      systems: [],
      links: { console: '/console', docs: '/docs', openapi: '/docs/json', metrics: '/metrics', health: '/healthz' },
    }));
    await http.listen({ port: options.port, host: options.host });
  } catch (err) {
    await http.close().catch(() => {});
    throw err;
  }
  const address = http.server.address();
  const url = address && typeof address !== 'string' ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : `http://${options.host}:${options.port}`;
  return { http, url, close: () => http.close() };
}

export function consoleCommand(argv: string[], io: Io = processIo): Promise<number> {
  return runConsole(argv, io, waitForSignal);
}

/** The command, stopping when `until` resolves (the first SIGINT/SIGTERM for the CLI; tests pass their own). */
export async function runConsole(argv: string[], io: Io, until: () => Promise<unknown>): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { brokers: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const env = values.brokers !== undefined ? { ...io.env, KAFKA_BROKERS: values.brokers } : io.env;
  if (values.brokers !== undefined && values.brokers.trim() === '') throw new UsageError('--brokers needs host:port[,host:port...]', HELP);
  const kafka = values.brokers !== undefined ? kafkaConfigFromEnv(env, { clientId: 'tributary-console' }) : cliKafkaConfig('tributary-console', env);
  const port = parsePort('--port', values.port ?? env.PORT ?? '8080');
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const log = cliLogger('tributary-console', env);
  const signal = until();
  const running = await startConsole({ kafka, port, host, env, log });
  io.out(`Console on ${running.url}/ for ${kafka.brokers.join(',')}`);
  log.info({ url: running.url, brokers: kafka.brokers }, 'console listening');
  const received = await signal;
  log.info({ signal: received }, 'stopping');
  await running.close();
  return 0;
}
