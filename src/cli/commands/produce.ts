// `tributary produce <topic>`: each line of stdin becomes one record (JSON is
// sent as is), like `kcat -P`. Lines are sent in batches (acks=all, in order,
// one batch in flight so per-partition order follows the input) and the count
// the broker acknowledged is printed at the end.
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createProducer, type RawProducer } from '../../stream/kafka.js';
import { cliKafkaConfig, errorText, exitOnClosedStdout } from '../format.js';
import { oneTopic, parseInteger, UsageError } from '../usage.js';
import { processIo, type Io } from '../io.js';

const HELP = `Usage: tributary produce <topic> [options] < lines

  --key <k>              the same key for every record
  -K, --key-separator <s>  split each line at the first <s> into key and value (like kcat -K);
                         a line without it is sent with no key
  --partition <n>        send every record to this partition (default: by key)
  --header <k=v>         a header on every record (repeatable)
  --batch <n>            records per produce request (default 500)

Every non-empty line is one record value, sent as is. Prints how many records
the broker acknowledged (acks=all); exits 1 if any was not.
`;

interface Line {
  key: Buffer | undefined;
  value: Buffer;
}

export async function produceCommand(argv: string[], io: Io = processIo): Promise<number> {
  exitOnClosedStdout(io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      key: { type: 'string' },
      'key-separator': { type: 'string', short: 'K' },
      partition: { type: 'string' },
      header: { type: 'string', multiple: true },
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
  const topic = oneTopic(positionals, HELP);
  if (values.key !== undefined && values['key-separator'] !== undefined) throw new UsageError('use --key or --key-separator, not both');
  if (values['key-separator'] === '') throw new UsageError('--key-separator cannot be empty');
  const partition = parseInteger('--partition', values.partition, 0);
  const batchSize = parseInteger('--batch', values.batch, 1) ?? 500;
  const headers = parseHeaders(values.header ?? []);
  const toLine = lineParser(values.key, values['key-separator']);

  const producer = createProducer(cliKafkaConfig(undefined, io.env), { autocreateTopics: true });
  const sender = new BatchSender(producer, topic, partition, headers, batchSize);
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  let closed = false;
  // Hold stdin while a batch is in flight and another is full, so memory stays bounded.
  // Once stdin has ended there is nothing to hold: since Node 24 pause() and resume()
  // on a closed interface throw, which would fail the last batch's send.
  sender.onBackpressure = (waiting) => {
    if (!closed) (waiting ? lines.pause() : lines.resume());
  };
  lines.on('line', (text) => {
    if (text.length > 0) sender.add(toLine(text));
  });
  await new Promise<void>((resolve) =>
    lines.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  // The producer is closed whatever happens, or its sockets keep the process alive.
  const failure = await sender.finish().finally(() => producer.close().catch(() => {}));

  io.out(`${sender.acknowledged} record(s) acknowledged by ${topic}`);
  if (failure !== undefined) {
    io.err(`tributary produce: ${sender.received - sender.acknowledged} record(s) not acknowledged: ${errorText(failure)}`);
    return 1;
  }
  return 0;
}

function lineParser(key: string | undefined, separator: string | undefined): (text: string) => Line {
  const fixedKey = key === undefined ? undefined : Buffer.from(key);
  if (separator === undefined) return (text) => ({ key: fixedKey, value: Buffer.from(text) });
  return (text) => {
    const at = text.indexOf(separator);
    if (at < 0) return { key: undefined, value: Buffer.from(text) };
    return { key: Buffer.from(text.slice(0, at)), value: Buffer.from(text.slice(at + separator.length)) };
  };
}

function parseHeaders(pairs: string[]): Map<Buffer, Buffer> | undefined {
  if (pairs.length === 0) return undefined;
  const headers = new Map<Buffer, Buffer>();
  for (const kv of pairs) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--header takes key=value, got "${kv}"`);
    headers.set(Buffer.from(kv.slice(0, eq)), Buffer.from(kv.slice(eq + 1)));
  }
  return headers;
}

/**
 * Sends lines in batches, one produce request at a time: a batch goes when it
 * is full or, for slow (typed) input, on the next tick. After the first failure
 * nothing more is sent, so the count printed is exactly what the broker holds.
 */
class BatchSender {
  received = 0;
  acknowledged = 0;
  onBackpressure: (waiting: boolean) => void = () => {};
  private batch: Line[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private sending = false;
  private failure: unknown;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly producer: RawProducer,
    private readonly topic: string,
    private readonly partition: number | undefined,
    private readonly headers: Map<Buffer, Buffer> | undefined,
    private readonly batchSize: number,
  ) {}

  add(line: Line): void {
    this.received++;
    if (this.failure !== undefined) return;
    this.batch.push(line);
    if (this.batch.length >= this.batchSize) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), 10);
  }

  /** Sends what is left; resolves with the first failure, if any. */
  async finish(): Promise<unknown> {
    this.flush();
    await this.inFlight;
    return this.failure;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    if (this.sending) this.onBackpressure(true);
    this.inFlight = this.inFlight.then(() => this.send(batch));
  }

  private async send(batch: Line[]): Promise<void> {
    if (this.failure !== undefined) return;
    this.sending = true;
    try {
      await this.producer.send({
        messages: batch.map((l) => ({ topic: this.topic, key: l.key, value: l.value, partition: this.partition, headers: this.headers })),
      });
      this.acknowledged += batch.length;
    } catch (err) {
      this.failure = err;
    } finally {
      this.sending = false;
      this.onBackpressure(false);
    }
  }
}
