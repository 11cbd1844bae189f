// `tributary api`: the HTTP API alone (every service's routes and its own
// consumers), against KAFKA_BROKERS and DATABASE_URL. Run several behind a
// load balancer; workers run apart with `tributary worker`.
import { parseArgs } from 'node:util';
import { cliKafkaConfig } from '../format.js';
import { cliLogger, runUntilSignal } from '../run-system.js';
import { parsePort } from '../usage.js';
import { schemaTargetFromEnv } from '../../registry/http-target.js';

const HELP = `Usage: tributary api [options]

  --port <n>            HTTP port (default PORT or 8000)
  --host <addr>         interface (default HOST or 127.0.0.1; 0.0.0.0 for every interface)
  --services <a,b,...>  only these systems (default all)

Kafka from KAFKA_BROKERS (default 127.0.0.1:BROKER_PORT), the database from
DATABASE_URL (default PGlite in DATA_DIR/db, which one process only may open).
API_KEYS and RATE_LIMIT as for \`tributary start\`. With SCHEMA_REGISTRY_URL, the
topics' value schemas are registered there first; a breaking change stops the start.
`;

export async function apiCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, services: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = parsePort('PORT', values.port ?? process.env.PORT ?? '8000');
  const log = cliLogger('tributary-api');
  return runUntilSignal(
    {
      kafka: cliKafkaConfig('tributary'),
      log,
      services: values.services?.split(',').map((s) => s.trim()).filter(Boolean),
      workers: false,
      api: { port, host: values.host ?? process.env.HOST },
      schemaRegistry: schemaTargetFromEnv(process.env),
    },
    (system) => log.info({ url: system.url, services: system.services.map((s) => s.name) }, `API listening on ${system.url}`),
  );
}
