// @platformatic/kafka as the Node load generator. Produce: Buffers sent as-is
// (no serializers), `perSend` records per send() spread round-robin over the
// partitions, `inFlight` sends outstanding at once. Consume: a Consumer.fetch()
// loop over all partitions of the topic by topic id, counting records and value
// bytes received. Clients are connected (metadata loaded) before the clock starts.
import { Admin, Consumer, Producer, type ProduceAckValue } from '@platformatic/kafka';

export interface NodeProduceOptions {
  address: string;
  topic: string;
  count: number;
  recordSize: number;
  acks: ProduceAckValue;
  perSend: number;
  inFlight: number;
  onRecords?: (acked: number) => void;
}

export interface NodeRun {
  wallMs: number;
  records: number;
  valueBytes: number;
}

/** `count` distinct values of `size` bytes, as views of one buffer (made before timing). */
function makeValues(count: number, size: number): Buffer[] {
  const all = Buffer.alloc(count * size, 'x');
  const digits = Math.min(size, 10);
  const values: Buffer[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const v = all.subarray(i * size, (i + 1) * size);
    v.write(String(i).padStart(digits, '0').slice(-digits), 0, 'latin1');
    values[i] = v;
  }
  return values;
}

export async function nodeProduce(o: NodeProduceOptions): Promise<NodeRun> {
  const values = makeValues(o.count, o.recordSize);
  const producer = new Producer({ clientId: 'bench-producer', bootstrapBrokers: [o.address], retries: 0 });
  try {
    await producer.metadata({ topics: [o.topic] });
    let next = 0;
    let acked = 0;
    const t0 = process.hrtime.bigint();
    const worker = async () => {
      while (next < o.count) {
        const start = next;
        const end = Math.min(o.count, start + o.perSend);
        next = end;
        const messages = new Array(end - start);
        for (let i = start; i < end; i++) messages[i - start] = { topic: o.topic, value: values[i]! };
        await producer.send({ messages, acks: o.acks });
        acked += end - start;
        o.onRecords?.(acked);
      }
    };
    await Promise.all(Array.from({ length: o.inFlight }, worker));
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    return { wallMs, records: acked, valueBytes: acked * o.recordSize };
  } finally {
    await producer.close();
  }
}

export interface NodeConsumeOptions {
  address: string;
  topic: string;
  partitionMaxBytes: number;
  /** Give up when this many fetches in a row bring nothing while data is still due. */
  maxEmptyFetches?: number;
  onRecords?: (records: number) => void;
}

export async function nodeConsume(o: NodeConsumeOptions): Promise<NodeRun & { expected: number }> {
  const admin = new Admin({ clientId: 'bench-admin', bootstrapBrokers: [o.address] });
  const consumer = new Consumer({ groupId: 'bench-reader', clientId: 'bench-reader', bootstrapBrokers: [o.address] });
  try {
    const meta = await admin.metadata({ topics: [o.topic] });
    const topicMeta = meta.topics.get(o.topic);
    if (!topicMeta) throw new Error(`topic ${o.topic} not in metadata`);
    const topicId = topicMeta.id;
    const node = topicMeta.partitions[0]!.leader;
    const ends = (await consumer.listOffsets({ topics: [o.topic] })).get(o.topic)!.map(Number);
    const expected = ends.reduce((a, b) => a + b, 0);
    const offsets = ends.map(() => 0);
    let records = 0;
    let valueBytes = 0;
    let empty = 0;

    const t0 = process.hrtime.bigint();
    while (offsets.some((off, p) => off < ends[p]!)) {
      const partitions = [];
      for (let p = 0; p < ends.length; p++) {
        if (offsets[p]! < ends[p]!) {
          partitions.push({ partition: p, fetchOffset: BigInt(offsets[p]!), partitionMaxBytes: o.partitionMaxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
        }
      }
      const res = await consumer.fetch({
        node,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: o.partitionMaxBytes * partitions.length,
        topics: [{ topicId, partitions }],
      });
      let got = 0;
      for (const part of res.responses[0]?.partitions ?? []) {
        if (part.errorCode !== 0) throw new Error(`fetch ${o.topic}/${part.partitionIndex} at ${offsets[part.partitionIndex]}: error code ${part.errorCode}`);
        const p = part.partitionIndex;
        for (const batch of part.records ?? []) {
          const first = Number(batch.firstOffset);
          for (const record of batch.records) {
            const offset = first + record.offsetDelta;
            if (offset < offsets[p]!) continue; // a batch may start before the fetch offset
            records++;
            got++;
            valueBytes += record.value?.length ?? 0;
            offsets[p] = offset + 1;
          }
        }
      }
      if (got === 0 && ++empty >= (o.maxEmptyFetches ?? 50)) {
        throw new Error(`no progress on ${o.topic} after ${empty} empty fetches at offsets ${offsets.join(',')} (ends ${ends.join(',')})`);
      }
      if (got > 0) empty = 0;
      o.onRecords?.(records);
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    return { wallMs, records, valueBytes, expected };
  } finally {
    await consumer.close();
    await admin.close();
  }
}
