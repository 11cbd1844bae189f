// The `tributary` command line: one subcommand per part of the system (start,
// api, worker, broker, console), the Kafka tools (topics, produce, consume, groups, dlq) and
// one per system's load tool (`state send`, `events generate`, `stress`).
import { loadDotEnv } from './env.js';
import { isUsageError, USAGE_EXIT_CODE } from './usage.js';
import { processIo, type Io } from './io.js';

interface Command {
  summary: string;
  load(): Promise<(args: string[], io: Io) => Promise<number>>;
}

// Loaded on use, so `tributary produce` does not pay for Fastify and PGlite.
const commands: Record<string, Command> = {
  start: { summary: 'run everything: broker, database, workers and the HTTP API', load: async () => (await import('./commands/start.js')).startCommand },
  api: { summary: 'run the HTTP API alone, against KAFKA_BROKERS', load: async () => (await import('./commands/api.js')).apiCommand },
  worker: { summary: 'run the workers of one or more systems: tributary worker <name>...', load: async () => (await import('./commands/worker.js')).workerCommand },
  console: { summary: 'run the web console alone against any cluster: tributary console --brokers host:port', load: async () => (await import('./commands/console.js')).consoleCommand },
  broker: { summary: 'run the embedded Kafka-compatible broker in the foreground', load: async () => (await import('./commands/broker.js')).brokerCommand },
  topics: { summary: 'list, create, describe or delete topics', load: async () => (await import('./commands/topics.js')).topicsCommand },
  produce: { summary: 'send lines from stdin to a topic', load: async () => (await import('./commands/produce.js')).produceCommand },
  consume: { summary: 'print a topic\'s records, decoding JSON and known protobuf types', load: async () => (await import('./commands/consume.js')).consumeCommand },
  'schema-registry': { summary: 'run the schema registry (Confluent\'s REST API) on the _schemas topic', load: async () => (await import('./commands/schema-registry.js')).schemaRegistryCommand },
  schemas: { summary: 'list, get, register or check schemas in the schema registry', load: async () => (await import('./commands/schemas.js')).schemasCommand },
  groups: { summary: 'list or describe consumer groups, with lag', load: async () => (await import('./commands/groups.js')).groupsCommand },
  dlq: { summary: 'dead letters: `dlq replay <topic>.dlq` sends them back to their topic', load: async () => (await import('./commands/dlq.js')).dlqCommand },
  state: { summary: 'state system: `state send [--state N]` sends a state message', load: async () => (await import('./commands/state.js')).stateCommand },
  events: { summary: 'sessions system: `events generate` produces user events to input_topic', load: async () => (await import('./commands/events.js')).eventsCommand },
  stress: { summary: 'baskets system: post baskets concurrently and check they all arrive', load: async () => (await import('./commands/stress.js')).stressCommand },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['Usage: tributary <command> [options]', '', 'Commands:', ...lines, '', 'Run `tributary <command> --help` for its options.'].join('\n');
}

/** Runs one command; `io` (default: this process's streams and env) is where it reads and prints. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : USAGE_EXIT_CODE;
  }
  const command = commands[name];
  if (!command) {
    io.err(`tributary: unknown command "${name}"\n\n${usage()}`);
    return USAGE_EXIT_CODE;
  }
  try {
    loadDotEnv(io.env.ENV_FILE ?? '.env', io.env);
    return await (await command.load())(rest, io);
  } catch (err) {
    if (isUsageError(err)) {
      const usageText = 'usage' in err && typeof err.usage === 'string' ? `\n\n${err.usage}` : `\nRun \`tributary ${name} --help\` for usage.`;
      io.err(`tributary ${name}: ${err.message}${usageText}`);
      return USAGE_EXIT_CODE;
    }
    io.err(`tributary ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

// Run directly (`tsx src/cli/main.ts ...`) as well as through bin/tributary.js.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await run(process.argv.slice(2));
}
