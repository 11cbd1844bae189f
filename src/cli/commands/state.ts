// `tributary state send [--state N] [--text T]`: feeds the state system. Sends
// one {message_id, text, state} to KAFKA_TOPIC (acks=all), creating the topic
// if it is missing, and prints what it sent.
import { randomInt, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createApp } from '../../stream/app.js';
import { kafkaConfigFromEnv } from '../../stream/kafka-config.js';
import type { StateMessage } from '../../services/state/schemas.js';
import { stateTopicName, stateTopicOptions } from '../../services/state/topics.js';
import { parseInteger, UsageError } from '../usage.js';
import { processIo, type Io } from '../io.js';

const USAGE = `Usage: tributary state send [--state N] [--text T]

Sends one state message {message_id, text, state} to the state topic.

Options:
  --state N   the new state, an integer (default: random 0..100)
  --text T    the message text (default: "state changed to N")
  -h, --help  show this help

Environment: KAFKA_BROKERS (default 127.0.0.1:$BROKER_PORT or 9092), KAFKA_TOPIC (default state).`;

interface SendOptions {
  state: number;
  text: string;
}

export function parseStateArgs(argv: string[]): { help: true } | { help: false; options: SendOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { state: { type: 'string' }, text: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return { help: true };
  const [sub, ...extra] = positionals;
  if (sub !== 'send') throw new UsageError(sub ? `unknown subcommand "${sub}"; the one subcommand is "send"` : 'missing subcommand "send"');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const state = parseInteger('--state', values.state) ?? randomInt(0, 101);
  return { help: false, options: { state, text: values.text ?? `state changed to ${state}` } };
}

export async function stateCommand(argv: string[], io: Io = processIo): Promise<number> {
  const parsed = parseStateArgs(argv);
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }

  const kafka = kafkaConfigFromEnv(io.env, { brokers: ['127.0.0.1:' + (io.env.BROKER_PORT ?? 9092)] });
  const app = createApp({ id: 'tributary-state-cli', kafka });
  const topic = app.topic(stateTopicName(io.env), stateTopicOptions());
  const message: StateMessage = { message_id: randomUUID(), text: parsed.options.text, state: parsed.options.state };
  try {
    await app.createTopics();
    await app.send(topic, [{ value: message }]);
  } catch (err) {
    // The client's own message ("metadata failed 4 times") does not say where.
    throw new Error(`cannot send to ${topic.name} on ${kafka.brokers.join(',')}: ${(err as Error).message}`, { cause: err });
  } finally {
    await app.closeProducer();
  }
  io.out(JSON.stringify(message));
  return 0;
}
