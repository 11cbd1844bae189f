// What the protocol fuzzer sends: a valid request of an API and version, encoded
// with the generated codecs (each message's all-defaults value, or a meaningful
// one for the APIs that touch data: Produce with a real record batch, Fetch,
// Metadata, ListOffsets, CreateTopics, CreatePartitions), then mutated: bit
// flips, truncation, extra bytes, huge/negative/wrong size prefixes, huge and
// negative int16/int32 fields (array and string lengths), unterminated varints,
// and inside Produce, mutations of the record batch (with its CRC fixed, so the
// record parser sees them).
import { Writer, ZERO_UUID } from '../../src/broker/protocol/codec.js';
import { apis, ApiKey, requestHeaderVersion } from '../../src/broker/protocol/apis.js';
import { writeRequestHeader } from '../../src/broker/protocol/messages/request-header.js';
import { buildBatch } from '../../src/broker/records/index.js';
import { ATTRIBUTES_POS, CRC_POS } from '../../src/broker/records/batch.js';
import { crc32c } from '../../src/broker/records/crc32c.js';
import { schemas } from '../broker/protocol/fixtures/schemas.js';

/** xorshift32: a small seeded generator, so a run can be repeated from its seed. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

export interface FuzzTarget {
  topic: string;
  topicId: string;
  partitions: number;
}

type Defaults = () => Record<string, unknown>;
const defaultsByKey = new Map<number, Defaults>();

/** Loads every request's default<Name>() from the generated messages. */
export async function loadDefaults(): Promise<void> {
  for (const s of schemas) {
    if (s.kind !== 'request' || s.apiKey === null) continue;
    const mod = (await import(`../../src/broker/protocol/messages/${s.module}.js`)) as Record<string, unknown>;
    defaultsByKey.set(s.apiKey, mod[`default${s.name}`] as Defaults);
  }
}

/** A valid request body for (apiKey, version), and the record batch inside it if any. */
function baseBody(apiKey: number, version: number, t: FuzzTarget, rnd: () => number): { body: Record<string, unknown>; batch?: Buffer } {
  const body = defaultsByKey.get(apiKey)!();
  const byName = (byId: boolean, field: 'topic' | 'name') => (byId ? { [field]: '', topicId: t.topicId } : { [field]: t.topic, topicId: ZERO_UUID });
  const partition = Math.floor(rnd() * t.partitions);
  switch (apiKey) {
    case ApiKey.Produce: {
      const batch = buildBatch({ records: [{ key: `k${partition}`, value: 'fuzz value', headers: [{ key: 'h', value: 'v' }] }, { key: null, value: 'second' }] });
      return {
        body: { ...body, acks: [1, -1, 0][Math.floor(rnd() * 3)], timeoutMs: 1000, topicData: [{ name: t.topic, topicId: ZERO_UUID, partitionData: [{ index: partition, records: batch }] }] },
        batch,
      };
    }
    case ApiKey.Fetch:
      return {
        body: {
          ...body,
          maxWaitMs: 0,
          minBytes: 1,
          maxBytes: 1 << 20,
          topics: [{ ...byName(version >= 13, 'topic'), partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 16, replicaDirectoryId: ZERO_UUID }] }],
        },
      };
    case ApiKey.Metadata:
      return { body: { ...body, topics: [version >= 10 && rnd() < 0.5 ? { topicId: t.topicId, name: null } : { topicId: ZERO_UUID, name: t.topic }], allowAutoTopicCreation: version < 4 } };
    case ApiKey.ListOffsets:
      return { body: { ...body, topics: [{ name: t.topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] } };
    case ApiKey.CreateTopics:
      return { body: { ...body, topics: [{ name: `fuzz-new-${Math.floor(rnd() * 20)}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 } };
    case ApiKey.CreatePartitions:
      return { body: { ...body, topics: [{ name: t.topic, count: t.partitions + 1, assignments: null }], timeoutMs: 1000, validateOnly: true } };
    default:
      return { body };
  }
}

export interface FuzzFrame {
  /** The whole frame: size prefix and request. */
  frame: Buffer;
  mutation: string;
}

const HUGE32 = [0x7fffffff, -0x80000000, -1, -2, 0x40000000, 0x00ffffff];
const HUGE16 = [0x7fff, -0x8000, -1, -2];

/** Encodes a valid request and mutates it once or twice. */
export function mutatedRequest(apiKey: number, version: number, correlationId: number, t: FuzzTarget, rnd: () => number): FuzzFrame {
  const { body, batch } = baseBody(apiKey, version, t, rnd);
  const header = new Writer();
  writeRequestHeader(header, requestHeaderVersion(apiKey, version), { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'fuzzer' });
  const encode = (b: unknown) => {
    const w = new Writer();
    apis[apiKey]!.writeRequest(w, version, b);
    return w.toBuffer();
  };
  let encoded: Buffer;
  try {
    encoded = encode(body);
  } catch {
    // A field set above that this version lacks: the all-defaults request instead.
    encoded = encode(defaultsByKey.get(apiKey)!());
  }
  let req = Buffer.concat([header.toBuffer(), encoded]);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const at = (len: number, from = 0) => from + Math.floor(rnd() * Math.max(1, len - from));
  const names: string[] = [];
  let size: number | undefined;
  const batchAt = batch ? req.indexOf(batch) : -1;
  const rounds = rnd() < 0.7 ? 1 : 2;
  for (let i = 0; i < rounds; i++) {
    const kind = batchAt >= 0 && rnd() < 0.5 ? pick(['batch-bits', 'batch-fixed-crc', 'batch-int32', 'batch-varint'] as const) : pick(['bits', 'truncate', 'extend', 'int32', 'int16', 'varint', 'size', 'header'] as const);
    names.push(kind);
    req = Buffer.from(req);
    switch (kind) {
      case 'bits':
        for (let n = 1 + Math.floor(rnd() * 8); n > 0; n--) req[at(req.length)]! ^= 1 << Math.floor(rnd() * 8);
        break;
      case 'truncate':
        req = req.subarray(0, at(req.length));
        break;
      case 'extend':
        req = Buffer.concat([req, Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)))]);
        break;
      case 'int32':
        if (req.length >= 4) req.writeInt32BE(pick(HUGE32), at(req.length - 3));
        break;
      case 'int16':
        if (req.length >= 2) req.writeInt16BE(pick(HUGE16), at(req.length - 1));
        break;
      case 'varint': {
        // An unterminated varint (continuation bits to the end of its bytes) or an over-long one.
        const pos = at(req.length, 8);
        const bad = rnd() < 0.5 ? Buffer.alloc(5 + Math.floor(rnd() * 6), 0xff) : Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
        req = Buffer.concat([req.subarray(0, pos), bad, req.subarray(pos + (rnd() < 0.5 ? bad.length : 0))]);
        break;
      }
      case 'size':
        size = pick([0x7fffffff, -1, -0x80000000, req.length + 1 + Math.floor(rnd() * 1000), Math.max(0, req.length - 1 - Math.floor(rnd() * 8)), 0]);
        break;
      case 'header':
        // api version out of range, or a client id length beyond the frame.
        if (req.length < 4) break;
        if (rnd() < 0.5) req.writeInt16BE(pick([-1, 99, 0x7fff, version + 1]), 2);
        else if (req.length >= 10) req.writeInt16BE(pick([0x7fff, -2, 5000]), 8);
        break;
      default: {
        if (batchAt < 0 || !batch) break;
        const start = batchAt;
        const end = batchAt + batch.length;
        if (end > req.length) break;
        if (kind === 'batch-int32') req.writeInt32BE(pick(HUGE32), start + Math.floor(rnd() * (batch.length - 3)));
        else if (kind === 'batch-varint') req.fill(0xff, start + 61 + Math.floor(rnd() * (batch.length - 66)), end - 1);
        else for (let n = 1 + Math.floor(rnd() * 6); n > 0; n--) req[start + 12 + Math.floor(rnd() * (batch.length - 12))]! ^= 1 << Math.floor(rnd() * 8);
        if (kind !== 'batch-bits') req.writeUInt32BE(crc32c(req, start + ATTRIBUTES_POS, end), start + CRC_POS);
      }
    }
  }
  const head = Buffer.alloc(4);
  head.writeInt32BE(size ?? req.length);
  return { frame: Buffer.concat([head, req]), mutation: names.join('+') };
}
