// `tributary dlq replay <dlq-topic>`: reads a dead-letter topic up to the end it
// has at start and produces each dead letter back to the topic it came from
// (stream/dlq-replay.ts decides what is sent and what is skipped), in batches,
// through an idempotent acks=all producer. After each batch is acknowledged
// the position is committed in a consumer group of the command's own, so a
// second run sends only what was dead-lettered since; --all starts over.
import { parseArgs } from 'node:util';
import { closeForce, createAdmin, createConsumer, createProducer, subscribe, type ConsumedRecord, type RawConsumer, type RawProducer } from '../../stream/kafka.js';
import { reasonMatcher, replayVerdict, type ReplayMessage, type ReplayRules, type Skip } from '../../stream/dlq-replay.js';
import { cliKafkaConfig, errorText, exitOnClosedStdout, table } from '../format.js';
import { progressBar, type ProgressBar } from '../progress.js';
import { parseInteger, UsageError } from '../usage.js';
import { processIo, type Io } from '../io.js';

/** The group whose committed offsets say how far a DLQ topic was replayed. */
export const REPLAY_GROUP_PREFIX = 'tributary-dlq-replay-';

const HELP = `Usage: tributary dlq replay <dlq-topic> [options]

Sends each dead letter of <dlq-topic> (e.g. delhaize_shop.dlq) back to the topic
its tributary.source.topic header names, with its key, value, headers (without
the tributary.* headers the DLQ added) and original timestamp; acks=all,
idempotent producer. Records without those headers are skipped and counted.

  --to <topic>       send every record there instead
  --reason <text>    only records whose tributary.error or tributary.error.type
                     contains <text>, ignoring case, spaces and punctuation
                     (e.g. --reason "database unavailable")
  --all              start at the oldest dead letter, not where the last replay stopped
  --dry-run          list what would be sent; send and commit nothing
  --batch <n>        records per produce request (default 500)

The position is committed, after each acknowledged batch, in the consumer group
${REPLAY_GROUP_PREFIX}<dlq-topic>: a second run replays only newer dead letters
(skipped ones are passed too). Prints replayed N of M, skipped K, per topic.
`;

const READ_COMMITTED = 1;

interface Options {
  rules: ReplayRules;
  all: boolean;
  dryRun: boolean;
  batch: number;
}

/** What one run did: counts per topic and per reason for skipping. */
class Summary {
  replayed = 0;
  readonly skipped: Record<Skip, number> = { 'no-dlq-headers': 0, reason: 0 };
  /** "source → target" → records. */
  readonly perTopic = new Map<string, { source: string; topic: string; records: number }>();

  sent(m: ReplayMessage): void {
    this.replayed++;
    const key = `${m.source}\0${m.topic}`;
    const row = this.perTopic.get(key) ?? { source: m.source, topic: m.topic, records: 0 };
    row.records++;
    this.perTopic.set(key, row);
  }

  lines(dlq: string, total: number, dryRun: boolean): string[] {
    const skipped = this.skipped['no-dlq-headers'] + this.skipped.reason;
    const why = [
      this.skipped.reason > 0 ? `${this.skipped.reason} not matching --reason` : '',
      this.skipped['no-dlq-headers'] > 0 ? `${this.skipped['no-dlq-headers']} without DLQ headers` : '',
    ].filter(Boolean);
    const head = `${dryRun ? 'would replay' : 'replayed'} ${this.replayed} of ${total} record(s) from ${dlq}, skipped ${skipped}${why.length ? ` (${why.join(', ')})` : ''}`;
    const rows = [...this.perTopic.values()].sort((a, b) => a.source.localeCompare(b.source)).map((r) => [r.source, r.topic, r.records]);
    return rows.length > 0 ? [head, table(['FROM TOPIC', 'TO TOPIC', 'RECORDS'], rows)] : [head];
  }
}

export async function dlqReplayCommand(argv: string[], io: Io = processIo): Promise<number> {
  exitOnClosedStdout(io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      to: { type: 'string' },
      reason: { type: 'string' },
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      batch: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing dlq topic' : 'one dlq topic at a time', HELP);
  if (values.to === '') throw new UsageError('--to cannot be empty');
  if (values.reason !== undefined && values.reason.replace(/[^a-z0-9]/gi, '') === '') throw new UsageError('--reason needs a letter or digit');
  const dlq = positionals[0]!;
  const options: Options = {
    rules: { to: values.to, reason: values.reason },
    all: values.all ?? false,
    dryRun: values['dry-run'] ?? false,
    batch: parseInteger('--batch', values.batch, 1) ?? 500,
  };

  const kafka = cliKafkaConfig('tributary-dlq-replay', io.env);
  const admin = createAdmin(kafka);
  let topics: Set<string>;
  try {
    topics = new Set(await admin.listTopics({ includeInternals: false }));
  } catch (err) {
    await admin.close().catch(() => {});
    io.err(`tributary dlq replay: ${errorText(err)}`);
    return 1;
  }
  const unknown = [dlq, options.rules.to].find((t) => t !== undefined && !topics.has(t));
  if (unknown !== undefined) {
    await admin.close().catch(() => {});
    io.err(`tributary dlq replay: UNKNOWN_TOPIC_OR_PARTITION: topic ${unknown} does not exist`);
    return 1;
  }

  const consumer = createConsumer(kafka, { groupId: REPLAY_GROUP_PREFIX + dlq, autocommit: false, isolationLevel: READ_COMMITTED });
  const producer = options.dryRun ? undefined : createProducer(kafka, { idempotent: true, autocreateTopics: false });
  const summary = new Summary();
  const replay = new Replay(io, dlq, options, consumer, producer, summary, async (topic) => {
    if (topics.has(topic)) return true;
    topics = new Set(await admin.listTopics({ includeInternals: false })); // created since the start?
    return topics.has(topic);
  });
  try {
    await replay.run();
    for (const line of summary.lines(dlq, replay.total, options.dryRun)) io.out(line);
    return 0;
  } catch (err) {
    // What was sent before the failure is committed: say how far it got.
    for (const line of summary.lines(dlq, replay.total, options.dryRun)) io.out(line);
    io.err(`tributary dlq replay: ${errorText(err)}`);
    return 1;
  } finally {
    await closeForce(consumer);
    await producer?.close().catch(() => {});
    await admin.close().catch(() => {});
  }
}

interface Pending {
  record: ConsumedRecord;
  message?: ReplayMessage;
}

/** One run over a DLQ topic: read to the ends present at start, send in batches, commit after each. */
class Replay {
  private readonly matches: (error: string, type: string) => boolean;
  private progress: ProgressBar | undefined;
  private done = 0;
  /** The records there were to read (M), known once the group is joined. */
  total = 0;

  constructor(
    private readonly io: Io,
    private readonly dlq: string,
    private readonly options: Options,
    private readonly consumer: RawConsumer,
    private readonly producer: RawProducer | undefined,
    private readonly summary: Summary,
    private readonly topicExists: (topic: string) => Promise<boolean>,
  ) {
    this.matches = reasonMatcher(options.rules.reason);
  }

  async run(): Promise<void> {
    const { dlq } = this;
    const ends = (await this.consumer.listOffsets({ topics: [dlq], isolationLevel: READ_COMMITTED })).get(dlq) ?? [];
    const starts = (await this.consumer.listOffsets({ topics: [dlq], timestamp: -2n })).get(dlq) ?? [];
    const stream = await subscribe(this.consumer, {
      topics: [dlq],
      mode: this.options.all ? 'earliest' : 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    const assigned = this.consumer.assignments?.find((a) => a.topic === dlq)?.partitions ?? ends.map((_, p) => p);
    const committed = this.options.all ? [] : ((await this.consumer.listCommittedOffsets({ topics: [{ topic: dlq, partitions: assigned }] })).get(dlq) ?? []);
    /** partition → the end at start, while not reached. */
    const pending = new Map<number, bigint>();
    for (const p of assigned) {
      const end = ends[p] ?? 0n;
      const c = committed[p];
      const from = c !== undefined && c >= 0n ? c : (starts[p] ?? 0n);
      if (end > from) {
        pending.set(p, end);
        this.total += Number(end - from);
      }
    }
    this.progress = progressBar({ label: this.options.dryRun ? 'dlq replay (dry run)' : 'dlq replay', total: this.total, stream: this.io.stderr });
    try {
      await this.read(stream, pending);
    } finally {
      this.progress.stop();
    }
  }

  private read(stream: Awaited<ReturnType<typeof subscribe>>, pending: Map<number, bigint>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let batch: Pending[] = [];
      let chain = Promise.resolve();
      let finished = false;
      const flush = () => {
        const b = batch;
        batch = [];
        chain = chain.then(() => this.send(b));
        return chain;
      };
      const finish = (err?: unknown) => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        stream.removeAllListeners('data');
        // On a failure, the batch in flight still settles (and commits) before the consumer closes.
        const work = err ? chain.then(() => Promise.reject(err), () => Promise.reject(err)) : flush();
        void work.finally(() => stream.close().catch(() => {})).then(() => resolve(), reject);
      };
      // A partition is done once its last record at start was read, or once the position
      // passed that end with nothing buffered (the last offsets may be transaction markers).
      const checkDone = () => {
        for (const [p, end] of pending) {
          const position = stream.offsetsToFetch.get(`${this.dlq}:${p}`);
          if (position !== undefined && position >= end && stream.readableLength === 0) pending.delete(p);
        }
        if (pending.size === 0) finish();
      };
      const timer = setInterval(checkDone, 50);
      stream.on('error', (err: unknown) => finish(err));
      stream.on('data', (record) => {
        if (finished) return;
        const end = pending.get(record.partition);
        if (end === undefined || record.offset >= end) return; // dead-lettered after we started
        const verdict = replayVerdict(record, this.options.rules, this.matches);
        if ('skip' in verdict) this.summary.skipped[verdict.skip]++;
        batch.push({ record, message: 'send' in verdict ? verdict.send : undefined });
        if (record.offset + 1n >= end) pending.delete(record.partition);
        if (pending.size === 0) finish();
        else if (batch.length >= this.options.batch) {
          // Fetching waits while the batch is sent: memory stays bounded by one batch.
          stream.pause();
          flush().then(() => stream.resume(), (err: unknown) => finish(err));
        }
      });
      if (pending.size === 0) finish();
    });
  }

  /** Sends one batch (or lists it, in a dry run), then commits past it. */
  private async send(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    const messages = batch.flatMap((b) => (b.message ? [b.message] : []));
    for (const topic of new Set(messages.map((m) => m.topic))) {
      if (!(await this.topicExists(topic))) throw new Error(`UNKNOWN_TOPIC_OR_PARTITION: topic ${topic} (to replay to) does not exist; create it or use --to`);
    }
    if (this.options.dryRun || !this.producer) {
      for (const b of batch) if (b.message) this.io.out(describe(this.dlq, b.record, b.message));
    } else if (messages.length > 0) {
      await this.producer.send({
        messages: messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value as Buffer, headers: m.headers, timestamp: m.timestamp })),
      });
    }
    for (const m of messages) this.summary.sent(m);
    this.done += batch.length;
    this.progress?.update(this.done, `${this.summary.replayed} ${this.options.dryRun ? 'to send' : 'sent'}`);
    if (!this.options.dryRun) await this.commit(batch);
  }

  private async commit(batch: Pending[]): Promise<void> {
    const next = new Map<number, bigint>();
    for (const { record } of batch) if ((next.get(record.partition) ?? -1n) < record.offset + 1n) next.set(record.partition, record.offset + 1n);
    await this.consumer.commit({ offsets: [...next].map(([partition, offset]) => ({ topic: this.dlq, partition, offset, leaderEpoch: -1 })) });
  }
}

/** A --dry-run line: where it is, where it would go, its key and why it was dead-lettered. */
function describe(dlq: string, record: ConsumedRecord, m: ReplayMessage): string {
  const key = m.key ? m.key.toString('utf8') : '(none)';
  return `${dlq} [${record.partition}] offset ${record.offset} → ${m.topic}  key ${key}  ${m.error}`;
}
