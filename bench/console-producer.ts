// The console bench's load: a child process (forked by bench/console.ts) that
// creates the bench's topics and, once told to start, produces to all of them
// at full speed with @platformatic/kafka: batches of small JSON records spread
// round-robin over every partition, a few sends in flight, the next batch sent
// as soon as an ack comes back. In its own process so its CPU is not the
// bench's, which drives the browser. Parent ↔ child messages are ProducerCommand
// and ProducerReport (IPC).
import { Admin, ProduceAcks, Producer } from '@platformatic/kafka';

export type ProducerCommand =
  | { cmd: 'setup'; address: string; topics: string[]; partitions: number }
  | { cmd: 'start'; perSend: number; inFlight: number }
  | { cmd: 'count' }
  | { cmd: 'stop' };

export type ProducerReport =
  | { type: 'ready' }
  | { type: 'count'; acked: number; failed: number; lastError: string | null }
  | { type: 'stopped'; acked: number }
  | { type: 'error'; message: string };

const send = (m: ProducerReport) => process.send!(m);

let producer: Producer | undefined;
let topics: string[] = [];
let partitions = 1;
let running = false;
let acked = 0;
let failed = 0;
let lastError: string | null = null;
let loops: Promise<void>[] = [];

async function setup(address: string, names: string[], count: number): Promise<void> {
  topics = names;
  partitions = count;
  const admin = new Admin({ clientId: 'bench-console-admin', bootstrapBrokers: [address] });
  try {
    await admin.createTopics({ topics: names, partitions: count, replicas: 1 });
  } finally {
    await admin.close();
  }
  producer = new Producer({ clientId: 'bench-console-producer', bootstrapBrokers: [address], retries: 0 });
  await producer.metadata({ topics: names });
}

/** One in-flight lane: send a batch, wait for its ack, send the next. */
async function lane(lane: number, perSend: number): Promise<void> {
  let seq = 0;
  while (running) {
    const messages = new Array(perSend);
    for (let i = 0; i < perSend; i++, seq++) {
      const n = seq * 7 + lane;
      const topic = topics[n % topics.length]!;
      const partition = Math.floor(n / topics.length) % partitions;
      const value = JSON.stringify({ id: `${lane}-${seq}`, at: Date.now(), customer: { id: n % 997 }, amount: (n % 10_000) / 100 });
      messages[i] = { topic, partition, key: Buffer.from(String(n % 997)), value: Buffer.from(value) };
    }
    try {
      await producer!.send({ messages, acks: ProduceAcks.LEADER });
      acked += perSend;
    } catch (err) {
      failed += perSend;
      lastError = (err as Error).message;
    }
  }
}

process.on('message', (m: ProducerCommand) => {
  void (async () => {
    try {
      if (m.cmd === 'setup') {
        await setup(m.address, m.topics, m.partitions);
        send({ type: 'ready' });
      } else if (m.cmd === 'start') {
        running = true;
        loops = Array.from({ length: m.inFlight }, (_, i) => lane(i, m.perSend));
      } else if (m.cmd === 'count') {
        send({ type: 'count', acked, failed, lastError });
      } else if (m.cmd === 'stop') {
        running = false;
        await Promise.all(loops);
        await producer?.close();
        send({ type: 'stopped', acked });
        process.disconnect();
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  })();
});
