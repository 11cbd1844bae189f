// createTestApp(): an embedded broker in this process on an ephemeral port and a
// fresh app connected to it, with helpers to produce input and to await output
// (woken by the broker's own appends, never by sleeping).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker } from '../broker/index.js';
import type { BrokerOptions } from '../broker/config.js';
import { decodeRecords, type DecodedRecord } from '../broker/records/index.js';
import { App, type AppOptions } from './app.js';
import { createConsumer, type OutgoingMessage } from './kafka.js';
import { readPartitionToEnd } from './partition-reader.js';
import type { Topic } from './topic.js';
import { waitFor as waitUntil } from './wait.js';

export interface TestRecord<V, K> {
  partition: number;
  offset: number;
  key: K | null;
  value: V;
  headers: Record<string, string>;
}

export interface TestApp {
  app: App;
  broker: RunningBroker;
  /** Another app on the same broker (a second instance, or the app after a restart). */
  newApp(options?: Partial<AppOptions>): App;
  produce<V, K>(topic: Topic<V, K>, messages: OutgoingMessage<V, K>[]): Promise<void>;
  /** Every record of a topic so far (values decoded with the topic's serde, not validated). */
  records<V, K>(topic: Topic<V, K>): TestRecord<V, K>[];
  /** What a READ_COMMITTED consumer sees: no aborted or open transactional records. */
  committedRecords<V, K>(topic: Topic<V, K>): Promise<TestRecord<V, K>[]>;
  /** Resolves once the topic holds at least `count` records; rejects after `timeoutMs`. */
  waitForRecords<V, K>(topic: Topic<V, K>, count: number, timeoutMs?: number): Promise<TestRecord<V, K>[]>;
  /**
   * Resolves once `condition()` is true. It is re-checked after every append to
   * the broker and every 25 ms (for client-side state such as assignments and
   * table restores, which append nothing).
   */
  waitFor(condition: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions extends Partial<AppOptions> {
  broker?: BrokerOptions;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.broker?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-app-'));
  const ownDir = options.broker?.dataDir === undefined;
  const broker = await startBroker({ port: 0, groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000, ...options.broker, dataDir } as BrokerOptions);
  const kafka = { brokers: [broker.address], clientId: 'tributary-test' };
  const appOptions = (extra: Partial<AppOptions> = {}): AppOptions => ({ id: 'test-app', ...options, ...extra, kafka });
  const apps: App[] = [];
  const newApp = (extra?: Partial<AppOptions>) => {
    const a = new App(appOptions(extra));
    apps.push(a);
    return a;
  };
  const app = newApp();

  const records = <V, K>(topic: Topic<V, K>): TestRecord<V, K>[] => {
    const t = broker.broker.topics.get(topic.name);
    if (!t) return [];
    const out: TestRecord<V, K>[] = [];
    for (const p of t.partitions) {
      let offset = p.log.logStartOffset;
      while (offset < p.highWatermark) {
        const { records: bytes } = p.log.read(offset, 8 << 20, p.highWatermark);
        if (bytes.length === 0) break;
        for (const r of decodeAll(bytes)) {
          if (r.offset < offset) continue;
          out.push({
            partition: p.index,
            offset: r.offset,
            key: r.key === null ? null : topic.keySerde.decode(r.key),
            value: r.value === null ? (null as V) : topic.serde.decode(r.value),
            headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
          });
          offset = r.offset + 1;
        }
        offset = Math.max(offset, nextOffsetAfter(bytes));
      }
    }
    return out;
  };

  // Wakes a wait on the next append to any partition (appends wake once, so it
  // re-arms, taking in topics created since) and on every new topic.
  const onAnyAppend = (check: () => void): (() => void) => {
    const cancels: (() => void)[] = [];
    const cancel = () => {
      for (const c of cancels.splice(0)) c();
    };
    const arm = () => {
      cancel();
      for (const t of broker.broker.topics.list()) for (const p of t.partitions) cancels.push(p.onAppend(fire));
      cancels.push(broker.broker.topics.onTopicCreated(fire));
    };
    const fire = () => {
      arm();
      check();
    };
    arm();
    return cancel;
  };
  const waitFor = (condition: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> =>
    waitUntil(() => condition(), { what, timeout: timeoutMs, wake: onAnyAppend, interval: 25 }).then(() => {});

  return {
    app,
    broker,
    newApp,
    produce: (topic, messages) => app.send(topic, messages),
    records,
    async committedRecords(topic) {
      const consumer = createConsumer(kafka, { groupId: 'test-reader' });
      const out: TestRecord<any, any>[] = [];
      try {
        const partitions = broker.broker.topics.get(topic.name)?.partitions.length ?? 0;
        for (let p = 0; p < partitions; p++) {
          await readPartitionToEnd(consumer, topic.name, p, (r) =>
            out.push({
              partition: p,
              offset: Number(r.offset),
              key: r.key === null ? null : topic.keySerde.decode(r.key),
              value: r.value === null ? null : topic.serde.decode(r.value),
              headers: Object.fromEntries(r.headers.map(([k, v]) => [k?.toString() ?? '', v?.toString() ?? ''])),
            }),
          );
        }
      } finally {
        await consumer.close();
      }
      return out;
    },
    waitFor,
    async waitForRecords(topic, count, timeoutMs) {
      await waitFor(() => countRecords(broker, topic.name) >= count, timeoutMs, `${count} records on ${topic.name}`);
      return records(topic);
    },
    async close() {
      for (const a of apps) await a.stop().catch(() => {});
      await broker.close();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Records (not offsets: control batches take offsets too) is approximated by offsets for plain topics. */
function countRecords(broker: RunningBroker, topic: string): number {
  const t = broker.broker.topics.get(topic);
  if (!t) return 0;
  let n = 0;
  for (const p of t.partitions) n += p.highWatermark - p.log.logStartOffset;
  return n;
}

function decodeAll(bytes: Buffer): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (let pos = 0; pos + 12 <= bytes.length; ) {
    const size = 12 + bytes.readInt32BE(pos + 8);
    const attributes = bytes.readInt16BE(pos + 21);
    if ((attributes & 0x20) === 0) out.push(...decodeRecords(bytes.subarray(pos, pos + size)));
    pos += size;
  }
  return out;
}

function nextOffsetAfter(bytes: Buffer): number {
  let next = 0;
  for (let pos = 0; pos + 12 <= bytes.length; pos += 12 + bytes.readInt32BE(pos + 8)) {
    next = Number(bytes.readBigInt64BE(pos)) + bytes.readInt32BE(pos + 23) + 1;
  }
  return next;
}
