// kafkajs 2.2.4 as a test client. Reading without a consumer group goes through
// kafkajs's own cluster and Fetch request code (its decoder, decompression and
// all), reached via the Kafka object's private cluster factory.
import { createRequire } from 'node:module';
import { Kafka, logLevel, type Admin } from 'kafkajs';

// kafkajs's consumer-side batch: drops control records and, using the fetch
// response's aborted-transactions list, records of aborted transactions.
const KafkajsBatch = createRequire(import.meta.url)('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: unknown,
) => { messages: any[]; messagesWithinOffset: any[] };

export function kafkajsClient(address: string, clientId = 'tributary-test'): Kafka {
  return new Kafka({ clientId, brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

export interface FetchedMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface ReadAllOptions {
  /**
   * 0 = READ_UNCOMMITTED (up to the high watermark), 1 = READ_COMMITTED (up to
   * the last stable offset, aborted records filtered as kafkajs's consumer does).
   * Unset: kafkajs's defaults (READ_COMMITTED), ends from `admin`.
   */
  isolationLevel?: 0 | 1;
}

/** Reads every message of the given partitions from offset 0 to their end offsets. */
export async function readAll(kafka: Kafka, admin: Admin, topic: string, options: ReadAllOptions = {}): Promise<FetchedMessage[]> {
  const { isolationLevel } = options;
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new Error('kafkajs internals changed: no cluster factory');
  const cluster = (kafka as any)[symbol]({ metadataMaxAge: 60_000, allowAutoTopicCreation: false, maxInFlightRequests: null, isolationLevel });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    await cluster.refreshMetadata();
    const ends =
      isolationLevel === undefined
        ? await admin.fetchTopicOffsets(topic)
        : ((await cluster.fetchTopicsOffset([{ topic, partitions: (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition })) }]))[0]
            .partitions as { partition: number; offset: string }[]).map((p) => ({ partition: p.partition, high: p.offset }));
    const out: FetchedMessage[] = [];
    for (const { partition, high } of ends) {
      const end = BigInt(high);
      let offset = 0n;
      const leader = await cluster.findLeaderForPartitions(topic, [partition]);
      const broker = await cluster.findBroker({ nodeId: Object.keys(leader)[0] });
      while (offset < end) {
        const response = await broker.fetch({
          maxWaitTime: 100,
          maxBytes: 1024 * 1024,
          isolationLevel,
          topics: [{ topic, partitions: [{ partition, fetchOffset: offset.toString(), maxBytes: 1024 * 1024 }] }],
        });
        const data = response.responses[0].partitions[0];
        const batch = isolationLevel === undefined ? null : new KafkajsBatch(topic, offset.toString(), data);
        const messages = (batch ? batch.messages : data.messages) as any[];
        const before = offset;
        for (const m of messages) {
          if (BigInt(m.offset) < offset) continue; // a batch can start before the fetch offset
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
          out.push({ partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, headers });
          offset = BigInt(m.offset) + 1n;
        }
        // Control records and aborted ones are skipped, not returned.
        const raw = batch?.messagesWithinOffset ?? [];
        if (raw.length > 0 && BigInt(raw[raw.length - 1].offset) + 1n > offset) offset = BigInt(raw[raw.length - 1].offset) + 1n;
        if (offset === before) throw new Error(`no progress reading ${topic}/${partition} at ${offset} (end ${end})`);
      }
    }
    return out;
  } finally {
    await cluster.disconnect();
  }
}

/** A kafkajs client on the broker at `address` and an admin connected through it (the caller disconnects it). */
export async function kafkajsAdmin(address: string): Promise<{ kafka: Kafka; admin: Admin }> {
  const kafka = kafkajsClient(address);
  const admin = kafka.admin();
  await admin.connect();
  return { kafka, admin };
}
