// `tributary schema-registry`: the schema registry alone (Confluent's REST
// API, stored in the `_schemas` topic) until SIGINT/SIGTERM. Run several
// against one cluster: they agree on every id (src/registry/store.ts).
import { parseArgs } from 'node:util';
import { httpAccessFromEnv } from '../../http/access.js';
import { DEFAULT_REGISTRY_PORT, startRegistry } from '../../registry/server.js';
import { DEFAULT_TOPIC } from '../../registry/store.js';
import { cliKafkaConfig } from '../format.js';
import { processIo, type Io } from '../io.js';
import { cliLogger, waitForSignal } from '../run-system.js';
import { parseInteger, parsePort } from '../usage.js';

const HELP = `Usage: tributary schema-registry [options]

  --brokers <h:p,...>  Kafka bootstrap servers (default KAFKA_BROKERS, else 127.0.0.1:BROKER_PORT)
  --port <n>           HTTP port (default SCHEMA_REGISTRY_PORT or ${DEFAULT_REGISTRY_PORT})
  --host <addr>        interface (default HOST or 127.0.0.1)
  --topic <name>       where schemas are stored (default ${DEFAULT_TOPIC}; one partition, compacted)
  --replicas <n>       replicas of the topic when it is created (default: the cluster's default)

API_KEYS as for \`tributary start\`.
`;

export async function schemaRegistryCommand(argv: string[], io: Io = processIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      brokers: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      topic: { type: 'string' },
      replicas: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const env = values.brokers ? { ...io.env, KAFKA_BROKERS: values.brokers } : io.env;
  const port = parsePort('--port', values.port ?? io.env.SCHEMA_REGISTRY_PORT ?? String(DEFAULT_REGISTRY_PORT));
  const log = cliLogger('tributary-schema-registry');
  const signal = waitForSignal();
  const running = await startRegistry({
    kafka: cliKafkaConfig('tributary-schema-registry', env),
    log,
    port,
    host: values.host ?? io.env.HOST,
    topic: values.topic,
    replicationFactor: parseInteger('--replicas', values.replicas, 1, 32767),
    access: httpAccessFromEnv(io.env),
  });
  io.out(`Schema registry on ${running.url} (topic ${running.registry.store.topic})`);
  log.info({ signal: await signal }, 'stopping');
  await running.close();
  return 0;
}
