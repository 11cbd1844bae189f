// `tributary dlq <action>`: the dead-letter topics (`<topic>.dlq`) the agents
// write what they could not process to. One file per action (dlq-replay.ts),
// loaded on use.
import { UsageError } from '../usage.js';
import { processIo, type Io } from '../io.js';

const HELP = `Usage: tributary dlq <action> [options]

  replay <dlq-topic>   send dead letters back to the topic they came from

Run \`tributary dlq <action> --help\` for its options.
`;

const actions: Record<string, () => Promise<(argv: string[], io: Io) => Promise<number>>> = {
  replay: async () => (await import('./dlq-replay.js')).dlqReplayCommand,
};

export async function dlqCommand(argv: string[], io: Io = processIo): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined) throw new UsageError('missing action', HELP);
  if (action === '--help' || action === '-h' || action === 'help') {
    io.out(HELP);
    return 0;
  }
  const load = actions[action];
  if (!load) throw new UsageError(`unknown action "${action}"`, HELP);
  return (await load())(rest, io);
}
