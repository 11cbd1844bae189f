// `tributary events generate`: feeds the sessions system. Sends fake
// user events to input_topic, keyed by userId (so each user's events stay on
// one partition, which the sessions worker's table needs), creating the topic
// when missing, and prints what it sent: the count and each user's first and
// last metadata.timestamp, which GET /api/summaries should then show. The
// userIds are new on every run (`user-<run>-<n>`), so a run never lands on the
// users of an earlier one and what it prints is what the summaries show.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ensureTopics, createAdmin, createProducer, send } from '../../stream/kafka.js';
import { kafkaConfigFromEnv } from '../../stream/kafka-config.js';
import { generateEvents } from '../../services/sessions/generate.js';
import { parseInteger, UsageError, USAGE_EXIT_CODE } from '../usage.js';
import { inputTopic } from '../../services/sessions/topics.js';
import { processIo, type Io } from '../io.js';

const HELP = `Usage: tributary events generate [options]

  --users <n>      how many users; default 3
  --per-user <n>   events per user; default 3
  --prefix <p>     userIds <p>1 ... <p>n; default user-<run>- with <run> new
                   on every run (6 hex digits), so runs never share users.
                   Give one to add events to earlier users (e.g. --prefix user-);
                   their summaries then span every run's events
  --json           print the summary as JSON

Sends fake user events {userId, visitorId, type, metadata{messageId, sentAt,
timestamp, receivedAt, apiKey, spaceId, version}, event, eventData} to
input_topic, keyed by userId; times are epoch milliseconds. Connects to
KAFKA_BROKERS, else 127.0.0.1:$BROKER_PORT (9092).
`;

export interface SentUser {
  userId: string;
  events: number;
  firstSeen: number;
  lastSeen: number;
}

export interface GenerateReport {
  topic: string;
  count: number;
  users: SentUser[];
}

const MAX_EVENTS = 1_000_000;
/** A userId is at most MAX_ID_LENGTH (200) characters; leave room for the number. */
const MAX_PREFIX = 190;

export async function eventsCommand(argv: string[], io: Io = processIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      users: { type: 'string' },
      'per-user': { type: 'string' },
      prefix: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'generate') {
    io.err(positionals.length === 0 ? HELP : `tributary events: unknown subcommand "${positionals.join(' ')}"\n\n${HELP}`);
    return USAGE_EXIT_CODE;
  }
  const users = parseInteger('--users', values.users, 1, MAX_EVENTS) ?? 3;
  const perUser = parseInteger('--per-user', values['per-user'], 1, MAX_EVENTS) ?? 3;
  if (users * perUser > MAX_EVENTS) throw new UsageError(`--users × --per-user must be at most ${MAX_EVENTS}, got ${users * perUser}`);
  const prefix = values.prefix ?? `user-${randomBytes(3).toString('hex')}-`;
  if (prefix.length > MAX_PREFIX) throw new UsageError(`--prefix must be at most ${MAX_PREFIX} characters`);

  const kafka = kafkaConfigFromEnv(io.env, { brokers: ['127.0.0.1:' + (io.env.BROKER_PORT ?? 9092)], clientId: 'tributary-cli' });
  const topic = inputTopic();
  const admin = createAdmin(kafka);
  try {
    await ensureTopics(admin, [topic]);
  } finally {
    await admin.close().catch(() => {});
  }

  const events = generateEvents({ users, perUser, prefix });
  const producer = createProducer(kafka);
  try {
    await send(producer, topic, events.map((e) => ({ key: e.userId, value: e })));
  } finally {
    await producer.close().catch(() => {});
  }

  const report = summarize(topic.name, events.map((e) => [e.userId, e.metadata.timestamp]));
  if (values.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    io.out(`sent ${report.count} event(s) for ${report.users.length} user(s) to ${report.topic}`);
    for (const u of report.users) {
      io.out(`  ${u.userId}: ${u.events} event(s), firstSeen ${u.firstSeen} (${iso(u.firstSeen)}), lastSeen ${u.lastSeen} (${iso(u.lastSeen)})`);
    }
  }
  return 0;
}

function summarize(topic: string, sent: [userId: string, timestamp: number][]): GenerateReport {
  const users = new Map<string, SentUser>();
  for (const [userId, t] of sent) {
    const u = users.get(userId);
    if (!u) users.set(userId, { userId, events: 1, firstSeen: t, lastSeen: t });
    else {
      u.events++;
      u.firstSeen = Math.min(u.firstSeen, t);
      u.lastSeen = Math.max(u.lastSeen, t);
    }
  }
  return { topic, count: sent.length, users: [...users.values()] };
}

const iso = (ms: number) => new Date(ms).toISOString();
