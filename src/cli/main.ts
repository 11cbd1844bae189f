// The `tributary` command line: one subcommand per part of the system.
import { brokerCommand } from './commands/broker.js';

interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  broker: { summary: 'run the embedded Kafka-compatible broker in the foreground', run: brokerCommand },
  // Until the services land, `start` runs what exists: the broker.
  start: { summary: 'run the whole system (for now: the embedded broker)', run: brokerCommand },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['Usage: tributary <command> [options]', '', 'Commands:', ...lines, '', 'Run `tributary <command> --help` for its options.'].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`tributary: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    console.error(`tributary ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

// Run directly (`tsx src/cli/main.ts ...`) as well as through bin/tributary.js.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await run(process.argv.slice(2));
}
