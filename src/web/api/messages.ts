// Browsing and producing records: a page of a topic's records from an offset,
// the start, the end or a time, on one partition or all, filtered (filters.ts)
// and decoded (JSON, the project's protobuf types, text, base64); the live tail
// (each call: what was appended since the last); and producing one record with
// key, headers, value and partition. Reads go through the console's group-less
// consumer: browsing leaves no consumer group behind.
import { decodeGeneric, decodeValue, type KnownTopic } from '../../stream/decode.js';
import { readRange, type ReadRecord } from '../../stream/partition-reader.js';
import { HttpError } from '../../http/errors.js';
import type { Console } from './console.js';
import { messageFilter, type FilterQuery, type MessageFilter } from './filters.js';
import type { TopicState } from './snapshot.js';
import type { ConsoleMessage, DecodedField, MessagesPage, ProduceRequest, ProduceResult } from './types.js';
import { kafkaHttpError } from './topics.js';

export const MAX_LIMIT = 500;
/** Most records one request looks at (per request, over its partitions) to fill a filtered page. */
export const MAX_SCAN = 20_000;

export interface BrowseQuery extends FilterQuery {
  partition?: string;
  from?: 'offset' | 'end' | 'start' | 'time';
  offset?: string;
  time?: string;
  limit?: number;
}

/** A record as the page shows it. */
export function consoleMessage(topic: string, partition: number, r: ReadRecord, known: KnownTopic | undefined): ConsoleMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of r.headers) headers[k?.toString('utf8') ?? ''] = v?.toString('utf8') ?? '';
  return {
    topic,
    partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    key: decodedKey(r.key),
    value: decodedField(r.value, known),
    headers,
  };
}

function decodedField(data: Buffer | null, known: KnownTopic | undefined): DecodedField {
  if (data === null || data === undefined) return { format: 'null', value: null, size: 0 };
  const d = decodeValue(data, known);
  return { format: d.format, value: d.format === 'binary' ? data.toString('base64') : d.value, ...(d.type ? { type: d.type } : {}), size: data.length };
}

function decodedKey(data: Buffer | null): DecodedField {
  if (data === null || data === undefined || data.length === 0) return { format: 'null', value: null, size: 0 };
  const d = decodeGeneric(data);
  // A key is an identifier: shown as the text it is, unless it is not text.
  if (d.format === 'json') return { format: 'text', value: data.toString('utf8'), size: data.length };
  return { format: d.format, value: d.format === 'binary' ? data.toString('base64') : d.value, size: data.length };
}

/** A non-negative integer from the query string, or a 400 naming it. */
function offsetParam(raw: string, field: string): number {
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) throw new HttpError(400, `${raw === '' ? 'an empty value' : `"${raw}"`} is not an offset (a whole number from 0)`, field);
  return Number(raw);
}

/** Unix ms or ISO 8601, or a 400 naming the field. */
export function timeParam(raw: string | number, field: string): number {
  const text = String(raw).trim();
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new HttpError(400, `"${raw}" is not a time (unix ms or ISO 8601, e.g. 2026-01-01T12:00:00Z)`, field);
  return ms;
}

function partitionsOf(topic: TopicState, raw: string | undefined, field: string): number[] {
  if (raw === undefined || raw === '') return topic.partitions.map((p) => p.partition);
  const p = offsetParam(raw, field);
  if (!topic.partitions[p]) throw new HttpError(400, `topic ${topic.name} has no partition ${p} (it has ${topic.partitions.length})`, field);
  return [p];
}

interface PartitionRead {
  partition: number;
  matched: ConsoleMessage[];
  /** Offset after the last record looked at. */
  position: number;
  /** Where it started. */
  from: number;
  scanned: number;
}

async function readPartition(c: Console, topic: TopicState, partition: number, from: number, end: number, opts: { keep: number; budget: number; filter?: MessageFilter; keepLast?: boolean }): Promise<PartitionRead> {
  const p = topic.partitions[partition]!;
  const known = c.known(topic.name);
  const matched: ConsoleMessage[] = [];
  let scanned = 0;
  if (from >= end) return { partition, matched, position: from, from, scanned };
  const position = await readRange(c.consumer, { topic: topic.name, topicId: topic.id, leader: p.leader, partition, from: BigInt(from), end: BigInt(end) }, (r) => {
    scanned++;
    const m = consoleMessage(topic.name, partition, r, known);
    if (!opts.filter || opts.filter(m)) {
      matched.push(m);
      if (opts.keepLast) {
        if (matched.length > opts.keep) matched.shift();
      } else if (matched.length >= opts.keep) return false;
    }
    return scanned < opts.budget;
  });
  return { partition, matched, position: Number(position), from, scanned };
}

const byTime = (a: ConsoleMessage, b: ConsoleMessage) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset;

/** GET /topics/:topic/messages: oldest first, at most `limit`; `next` per partition continues the page. */
export async function browse(c: Console, name: string, q: BrowseQuery): Promise<MessagesPage> {
  // The ends as they are now: a record produced a moment ago is on the page.
  const { topic } = await c.topic(name, 0);
  const limit = Math.min(q.limit ?? 50, MAX_LIMIT);
  const filter = messageFilter(q);
  const partitions = partitionsOf(topic, q.partition, 'querystring.partition');
  const budget = Math.max(limit, Math.ceil(MAX_SCAN / partitions.length));
  const mode = q.from ?? (q.offset !== undefined ? 'offset' : q.time !== undefined ? 'time' : 'end');

  if (mode === 'end') {
    const reads = await Promise.all(
      partitions.map((n) => {
        const p = topic.partitions[n]!;
        const from = Math.max(p.start, p.end - (filter ? budget : limit));
        return readPartition(c, topic, n, from, p.end, { keep: limit, budget, filter, keepLast: true });
      }),
    );
    const all = reads.flatMap((r) => r.matched).sort(byTime);
    return {
      messages: all.slice(Math.max(0, all.length - limit)),
      next: Object.fromEntries(partitions.map((n) => [String(n), topic.partitions[n]!.end])),
      scanned: reads.reduce((k, r) => k + r.scanned, 0),
    };
  }

  let starts: Map<number, number>;
  if (mode === 'start') {
    starts = new Map(partitions.map((n) => [n, topic.partitions[n]!.start]));
  } else if (mode === 'offset') {
    if (q.offset === undefined) throw new HttpError(400, 'from=offset needs offset=N', 'querystring.offset');
    const offset = offsetParam(q.offset, 'querystring.offset');
    // On one partition an offset past its end is a mistake; across all, a partition that short just has nothing there.
    const p = q.partition !== undefined && q.partition !== '' ? topic.partitions[partitions[0]!]! : undefined;
    if (p && offset > p.end) throw new HttpError(400, `offset ${offset} is past the end of partition ${p.partition} (${p.end})`, 'querystring.offset');
    starts = new Map(partitions.map((n) => [n, Math.min(Math.max(offset, topic.partitions[n]!.start), topic.partitions[n]!.end)]));
  } else {
    if (q.time === undefined) throw new HttpError(400, 'from=time needs time=<unix ms or ISO 8601>', 'querystring.time');
    const ms = timeParam(q.time, 'querystring.time');
    starts = await offsetsForTime(c, topic, partitions, ms);
  }
  return forward(c, topic, partitions, starts, limit, budget, filter);
}

/** The first offset at or after `ms` per partition (the end when there is none). */
export async function offsetsForTime(c: Console, topic: TopicState, partitions: number[], ms: number): Promise<Map<number, number>> {
  const [listed] = await c.admin.listOffsets({ topics: [{ name: topic.name, partitions: partitions.map((n) => ({ partitionIndex: n, timestamp: BigInt(ms) })) }] });
  const out = new Map<number, number>();
  for (const n of partitions) {
    const o = listed?.partitions.find((p) => p.partitionIndex === n)?.offset ?? -1n;
    out.set(n, o < 0n ? topic.partitions[n]!.end : Number(o));
  }
  return out;
}

async function forward(c: Console, topic: TopicState, partitions: number[], starts: Map<number, number>, limit: number, budget: number, filter: MessageFilter | undefined): Promise<MessagesPage> {
  const reads = await Promise.all(partitions.map((n) => readPartition(c, topic, n, starts.get(n)!, topic.partitions[n]!.end, { keep: limit, budget, filter })));
  const all = reads.flatMap((r) => r.matched).sort(byTime);
  const kept = all.slice(0, limit);
  const next: Record<string, number> = {};
  for (const r of reads) {
    // Continue after the last record kept from this partition, or at its first one left out.
    const dropped = r.matched.find((m) => !kept.includes(m));
    next[String(r.partition)] = dropped ? dropped.offset : r.position;
  }
  return { messages: kept, next, scanned: reads.reduce((k, r) => k + r.scanned, 0) };
}

/**
 * The live tail: from the offsets of `next`, what was appended since (at most
 * `limit`, the newest: a topic written faster than a page can show skips
 * ahead); undefined when nothing new matched.
 */
export async function tail(c: Console, name: string, q: BrowseQuery, next: Record<string, number>): Promise<MessagesPage | undefined> {
  const { topic } = await c.topic(name);
  const filter = messageFilter(q);
  const limit = Math.min(q.limit ?? 50, MAX_LIMIT);
  const partitions = Object.keys(next).map(Number).filter((n) => topic.partitions[n] !== undefined);
  const budget = Math.max(limit, Math.ceil(MAX_SCAN / Math.max(1, partitions.length)));
  const reads = await Promise.all(
    partitions.map((n) => {
      const p = topic.partitions[n]!;
      // Records deleted below our position: go on from the new start; too many new ones: only the last window.
      const from = Math.max(next[String(n)]!, p.start, p.end - (filter ? budget : limit));
      return readPartition(c, topic, n, from, p.end, { keep: limit, budget, filter, keepLast: true });
    }),
  );
  let scanned = 0;
  const messages: ConsoleMessage[] = [];
  for (const r of reads) {
    next[String(r.partition)] = Math.max(r.position, next[String(r.partition)]!);
    scanned += r.scanned;
    messages.push(...r.matched);
  }
  if (messages.length === 0) return undefined;
  messages.sort(byTime);
  return { messages: messages.slice(Math.max(0, messages.length - limit)), next: { ...next }, scanned };
}

/** POST /topics/:topic/messages: acks=all; the record's partition and offset. */
export async function produce(c: Console, name: string, request: ProduceRequest): Promise<ProduceResult> {
  const { topic } = await c.topic(name);
  if (request.partition !== undefined && !topic.partitions[request.partition]) {
    throw new HttpError(400, `topic ${name} has no partition ${request.partition} (it has ${topic.partitions.length})`, 'body.partition');
  }
  let result;
  try {
    result = await c.producer.send({
      messages: [
        {
          topic: name,
          key: request.key === undefined || request.key === null ? undefined : Buffer.from(request.key, 'utf8'),
          value: (request.value === null ? null : Buffer.from(request.value, 'utf8')) as Buffer,
          partition: request.partition,
          headers: request.headers ? new Map(Object.entries(request.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) : undefined,
        },
      ],
    });
  } catch (err) {
    throw kafkaHttpError(err, 'body');
  }
  c.sampler.invalidate();
  const o = result.offsets?.find((x) => x.topic === name);
  if (!o) throw new HttpError(502, 'the broker acknowledged the record without saying where it went');
  return { partition: o.partition, offset: Number(o.offset) };
}
