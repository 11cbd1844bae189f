// `tributary consume <topic>` (like `kcat -C`): prints
// each record with partition, offset, timestamp, key, headers and its value
// decoded (JSON, the protobuf type a service declares for the topic, text or
// hex). Without --follow it stops at the ends the partitions had at start.
// Without --group it reads in a throwaway group and commits nothing; with
// --group it resumes from, and commits, that group's offsets.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { closeForce, createConsumer, subscribe, type ConsumedRecord, type RawConsumer } from '../../stream/kafka.js';
import { decodeText, decodeValue, knownTopics, type DecodedValue, type KnownTopic } from '../decode.js';
import { cliKafkaConfig, errorText, exitOnClosedStdout, formatTimestamp, THROWAWAY_GROUP_PREFIX, toJson } from '../format.js';
import { oneTopic, parseInteger } from '../usage.js';
import { processIo, type Io } from '../io.js';

const HELP = `Usage: tributary consume <topic> [options]

  --from-beginning   start at the oldest record (default: only records produced from now,
                     or, with --group, where the group left off)
  --group <g>        read as consumer group <g> and commit what is printed
  --follow, -f       keep waiting for new records (default: stop at the end present at start)
  --max <n>          stop after <n> records
  --json             one JSON object per record and line

Values are decoded: the protobuf type a service declares for the topic (e.g.
BackendApiActivity on Users), else JSON, else UTF-8 text, else hex.
`;

const READ_COMMITTED = 1;

export interface PrintedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  headers: Record<string, string | null>;
  format: DecodedValue['format'];
  type?: string;
  value: unknown;
  error?: string;
}

export async function consumeCommand(argv: string[], io: Io = processIo): Promise<number> {
  exitOnClosedStdout(io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'from-beginning': { type: 'boolean' },
      group: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      max: { type: 'string' },
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
  const topic = oneTopic(positionals, HELP);
  const max = parseInteger('--max', values.max, 1);
  const kafka = cliKafkaConfig(undefined, io.env);
  // Loading the services takes a while: do it while the consumer joins its group.
  const known = knownTopics(kafka, io.env).then((m) => m.get(topic));
  const print = values.json ? (r: PrintedRecord) => io.out(toJson(r)) : (r: PrintedRecord) => printPretty(io, r);

  const consumer = createConsumer(kafka, {
    groupId: values.group ?? `${THROWAWAY_GROUP_PREFIX}${randomUUID()}`,
    autocommit: false,
    isolationLevel: READ_COMMITTED,
  });
  try {
    const printed = await consume(consumer, topic, {
      known,
      group: values.group !== undefined,
      fromBeginning: values['from-beginning'] ?? false,
      follow: values.follow ?? false,
      max,
      print,
    });
    io.err(`% ${printed} record(s) from ${topic}`);
    return 0;
  } catch (err) {
    io.err(`tributary consume: ${errorText(err)}`);
    return 1;
  } finally {
    await closeForce(consumer);
  }
}

interface ConsumeOptions {
  /** The topic as a service declares it (settles while the consumer joins). */
  known: Promise<KnownTopic | undefined>;
  group: boolean;
  fromBeginning: boolean;
  follow: boolean;
  max: number | undefined;
  print(record: PrintedRecord): void;
}

/** Reads until done (end reached, --max, or SIGINT/SIGTERM), commits if in a group, returns the count printed. */
async function consume(consumer: RawConsumer, topic: string, o: ConsumeOptions): Promise<number> {
  const ends = (await consumer.listOffsets({ topics: [topic], isolationLevel: READ_COMMITTED })).get(topic) ?? [];
  const starts = (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic) ?? [];
  const stream = o.group
    ? await subscribe(consumer, { topics: [topic], mode: 'committed', fallbackMode: o.fromBeginning ? 'earliest' : 'latest', autocommit: false })
    : await subscribe(consumer, {
        topics: [topic],
        mode: 'manual',
        autocommit: false,
        offsets: ends.map((end, partition) => ({ topic, partition, offset: o.fromBeginning ? (starts[partition] ?? 0n) : end })),
      });

  // Where each partition starts: the group's commit, else the fallback; in manual mode, what we asked for.
  const assigned = consumer.assignments?.find((a) => a.topic === topic)?.partitions ?? ends.map((_, p) => p);
  const committed = o.group ? ((await consumer.listCommittedOffsets({ topics: [{ topic, partitions: assigned }] })).get(topic) ?? []) : [];
  const pending = new Map<number, bigint>(); // partition → end at start, until reached
  if (!o.follow) {
    for (const p of assigned) {
      const end = ends[p] ?? 0n;
      const c = committed[p];
      const from = c !== undefined && c >= 0n ? c : o.fromBeginning ? (starts[p] ?? 0n) : end;
      if (end > from) pending.set(p, end);
    }
  }

  const known = await o.known; // data waits in the stream until a listener is attached
  let printed = 0;
  const toCommit = new Map<number, bigint>();
  const commit = async () => {
    if (!o.group || toCommit.size === 0) return;
    const offsets = [...toCommit].map(([partition, offset]) => ({ topic, partition, offset, leaderEpoch: -1 }));
    toCommit.clear();
    await consumer.commit({ offsets });
  };

  await new Promise<void>((resolve, reject) => {
    let finished = false;
    const finish = (err?: unknown) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      stream.removeAllListeners('data');
      void stream
        .close()
        .catch(() => {})
        .then(commit)
        .then(() => (err ? reject(err) : resolve()), reject);
    };
    const onSignal = () => finish();
    // A partition is done once its end was printed, or once the consumer's position passed
    // the end with nothing left buffered (the last offsets may be transaction markers).
    const checkDone = () => {
      if (o.follow) return;
      for (const [p, end] of pending) {
        const position = stream.offsetsToFetch.get(`${topic}:${p}`);
        if (position !== undefined && position >= end && stream.readableLength === 0) pending.delete(p);
      }
      if (pending.size === 0) finish();
    };
    const timer = setInterval(() => {
      checkDone();
      if (o.follow) commit().catch((err) => finish(err));
    }, o.follow ? 1000 : 50);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    stream.on('error', (err: unknown) => finish(err));
    stream.on('data', (m) => {
      if (finished) return;
      const end = pending.get(m.partition);
      if (!o.follow && (end === undefined || m.offset >= end)) return; // produced after we started
      o.print(toRecord(m, known));
      printed++;
      toCommit.set(m.partition, m.offset + 1n);
      if (end !== undefined && m.offset + 1n >= end) pending.delete(m.partition);
      if (o.max !== undefined && printed >= o.max) finish();
      else if (pending.size === 0 && !o.follow) finish();
    });
    if (!o.follow && pending.size === 0) finish();
  });
  return printed;
}

export function toRecord(m: ConsumedRecord, known: KnownTopic | undefined): PrintedRecord {
  const decoded = decodeValue(m.value ?? null, known);
  const headers: Record<string, string | null> = {};
  for (const [k, v] of m.headers ?? []) headers[decodeText(k) ?? ''] = decodeText(v);
  return {
    topic: m.topic,
    partition: m.partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    key: decodeText(m.key && m.key.length > 0 ? m.key : null),
    headers,
    format: decoded.format,
    ...(decoded.type ? { type: decoded.type } : {}),
    value: decoded.value,
    ...(decoded.error ? { error: decoded.error } : {}),
  };
}

function printPretty(io: Io, r: PrintedRecord): void {
  const lines = [`── ${r.topic} [${r.partition}] offset ${r.offset}  ${formatTimestamp(r.timestamp)}`, `key: ${r.key ?? '(none)'}`];
  const headers = Object.entries(r.headers);
  if (headers.length > 0) lines.push(`headers: ${headers.map(([k, v]) => `${k}=${v ?? '(null)'}`).join(', ')}`);
  if (r.error) lines.push(`(could not decode as ${r.type ?? 'the topic type'}: ${r.error})`);
  const label = r.format === 'protobuf' ? `value (${r.type ?? 'protobuf'}):` : r.format === 'binary' ? 'value (hex):' : 'value:';
  const body = r.format === 'json' || r.format === 'protobuf' ? toJson(r.value, 2) : r.format === 'null' ? '(null)' : String(r.value);
  lines.push(label, body, '');
  io.out(lines.join('\n'));
}
