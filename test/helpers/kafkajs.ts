// kafkajs 2.2.4 as a test client. Reading without a consumer group goes through
// kafkajs's own cluster and Fetch request code (its decoder, decompression and
// all), reached via the Kafka object's private cluster factory.
import { Kafka, logLevel, type Admin } from 'kafkajs';

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

/** Reads every message of the given partitions from offset 0 to their end offsets. */
export async function readAll(kafka: Kafka, admin: Admin, topic: string): Promise<FetchedMessage[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new Error('kafkajs internals changed: no cluster factory');
  const cluster = (kafka as any)[symbol]({ metadataMaxAge: 60_000, allowAutoTopicCreation: false, maxInFlightRequests: null });
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    await cluster.refreshMetadata();
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
          topics: [{ topic, partitions: [{ partition, fetchOffset: offset.toString(), maxBytes: 1024 * 1024 }] }],
        });
        const messages = response.responses[0].partitions[0].messages as any[];
        for (const m of messages) {
          if (BigInt(m.offset) < offset) continue; // a batch can start before the fetch offset
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(v);
          out.push({ partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? null, headers });
          offset = BigInt(m.offset) + 1n;
        }
        if (messages.length === 0) throw new Error(`no progress reading ${topic}/${partition} at ${offset} (end ${end})`);
      }
    }
    return out;
  } finally {
    await cluster.disconnect();
  }
}
