// `tributary worker <name>...`: the agents of the named systems (or --all),
// with no HTTP API. Several copies of one worker share its consumer groups,
// so partitions spread over them: that is how processing scales out.
import { parseArgs } from 'node:util';
import { SERVICE_NAMES } from '../../runtime/services.js';
import { cliKafkaConfig } from '../format.js';
import { cliLogger, runUntilSignal } from '../run-system.js';
import { UsageError } from '../usage.js';
import { schemaTargetFromEnv } from '../../registry/http-target.js';

const HELP = `Usage: tributary worker <system>... | --all

Systems with workers: activity, sessions, baskets. Kafka from KAFKA_BROKERS
(default 127.0.0.1:BROKER_PORT), the database from DATABASE_URL. With
SCHEMA_REGISTRY_URL, the topics' value schemas are registered there first.
`;

export async function workerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const names = values.all ? SERVICE_NAMES : positionals;
  if (names.length === 0) throw new UsageError('name at least one system, or --all', HELP);
  const log = cliLogger('tributary-worker');
  // How long Node took to get here (process start, module load): the first part of a restart's recovery time.
  log.info({ systems: names, uptimeMs: Math.round(process.uptime() * 1000) }, 'starting workers');
  return runUntilSignal({ kafka: cliKafkaConfig('tributary'), log, services: names, api: false, workers: true, schemaRegistry: schemaTargetFromEnv(process.env) }, (system) => {
    const running = system.services.filter((s) => s.hasWorker).map((s) => s.name);
    const idle = system.services.filter((s) => !s.hasWorker).map((s) => s.name);
    if (idle.length > 0) log.warn({ systems: idle }, 'these systems have no worker (their consumers run inside the API)');
    // The CPU the start took (user + system): what a restart costs on an idle machine, whatever the wall time.
    const { user, system: sys } = process.cpuUsage();
    log.info({ systems: running, cpuMs: Math.round((user + sys) / 1000) }, `workers running: ${running.join(', ') || 'none'}`);
  });
}
