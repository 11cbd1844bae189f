// Dead letters in the console: a dead-letter topic's records, newest first,
// with the error headers the agent added (stream/dlq.ts DLQ_HEADERS), and
// replay: one letter (by partition and offset) or all of them sent back to the
// topic they came from, by the same rules as `tributary dlq replay`
// (stream/dlq-replay.ts: own key, value, headers and timestamp, without the
// DLQ's headers; a record without them is skipped).
import { HttpError } from '../../http/errors.js';
import { DLQ_HEADERS, dlqTopicName } from '../../stream/dlq.js';
import { replayVerdict, type ReplayMessage } from '../../stream/dlq-replay.js';
import { readRange, type ReadRecord } from '../../stream/partition-reader.js';
import type { Console } from './console.js';
import { browse } from './messages.js';
import type { TopicState } from './snapshot.js';
import { kafkaHttpError } from './topics.js';
import type { ConsoleMessage, DeadLetterMessage, DeadLettersPage, ReplayRequest, ReplayResult } from './types.js';

const BATCH = 500;

function sourceOf(name: string): string {
  const source = name.endsWith('.dlq') ? name.slice(0, -'.dlq'.length) : '';
  if (!source || dlqTopicName(source) !== name) throw new HttpError(404, `${name} is not a dead-letter topic (<topic>.dlq)`, 'params.topic');
  return source;
}

export function deadLetterMessage(m: ConsoleMessage): DeadLetterMessage {
  const h = m.headers;
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  const topic = h[DLQ_HEADERS.topic];
  const partition = int(h[DLQ_HEADERS.partition]);
  const offset = int(h[DLQ_HEADERS.offset]);
  return {
    ...m,
    error: h[DLQ_HEADERS.error] ?? null,
    errorType: h[DLQ_HEADERS.errorType] ?? null,
    attempts: int(h[DLQ_HEADERS.attempts]),
    failedAt: h[DLQ_HEADERS.failedAt] ?? null,
    source: topic !== undefined && partition !== null && offset !== null ? { topic, partition, offset } : null,
  };
}

/** GET /dead-letters/:topic/messages: the last `limit` letters, newest first. */
export async function deadLetters(c: Console, name: string, limit = 50): Promise<DeadLettersPage> {
  const source = sourceOf(name);
  const page = await browse(c, name, { from: 'end', limit });
  const { topic } = await c.topic(name);
  const count = topic.partitions.reduce((n, p) => n + p.end - p.start, 0);
  return { topic: name, source, count, messages: page.messages.map(deadLetterMessage).reverse() };
}

const asConsumed = (r: ReadRecord) => ({
  key: r.key,
  value: r.value,
  headers: new Map(r.headers.filter((h): h is [Buffer, Buffer] => h[0] !== null).map(([k, v]) => [k, v ?? Buffer.alloc(0)])),
});

/** POST /dead-letters/:topic/replay: one letter ({partition, offset}) or every one ({}). */
export async function replay(c: Console, name: string, request: ReplayRequest): Promise<ReplayResult> {
  sourceOf(name);
  const { topic } = await c.topic(name, 0);
  if ((request.partition === undefined) !== (request.offset === undefined)) {
    throw new HttpError(400, 'replay one letter with both partition and offset, or every letter with neither', request.partition === undefined ? 'body.partition' : 'body.offset');
  }
  const result: ReplayResult = { replayed: 0, skipped: 0 };
  const batch: ReplayMessage[] = [];
  const flush = async () => {
    while (batch.length > 0) await send(batch.splice(0, BATCH));
  };
  const send = async (messages: ReplayMessage[]) => {
    try {
      await c.producer.send({
        messages: messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value as Buffer, headers: m.headers, timestamp: m.timestamp })),
      });
    } catch (err) {
      throw kafkaHttpError(err, 'params.topic');
    }
    result.replayed += messages.length;
  };
  const take = (r: ReadRecord) => {
    const verdict = replayVerdict(asConsumed(r), {});
    if ('skip' in verdict) result.skipped++;
    else batch.push(verdict.send);
  };

  if (request.partition !== undefined) {
    const p = topic.partitions[request.partition];
    if (!p) throw new HttpError(400, `topic ${name} has no partition ${request.partition} (it has ${topic.partitions.length})`, 'body.partition');
    const offset = request.offset!;
    if (offset < p.start || offset >= p.end) throw new HttpError(404, `partition ${request.partition} of ${name} holds offsets ${p.start} to ${p.end - 1}, not ${offset}`, 'body.offset');
    let found = false;
    await readRange(c.consumer, range(topic, request.partition, offset, offset + 1), (r) => {
      found = true;
      take(r);
      return false;
    });
    if (!found) throw new HttpError(404, `no letter at offset ${offset} of partition ${request.partition}`, 'body.offset');
    await flush();
  } else {
    for (const p of topic.partitions) {
      await readRange(c.consumer, range(topic, p.partition, p.start, p.end), (r) => {
        take(r);
        return true;
      });
      await flush();
    }
  }
  c.sampler.invalidate();
  return result;
}

function range(topic: TopicState, partition: number, from: number, end: number) {
  return { topic: topic.name, topicId: topic.id, leader: topic.partitions[partition]!.leader, partition, from: BigInt(from), end: BigInt(end) };
}

