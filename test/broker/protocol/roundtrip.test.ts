/**
 * For every generated message and every valid version: build a pseudo-random message (fields of
 * that version random, others default), encode, decode, compare, re-encode and compare bytes.
 * Defaults are computed here independently from the schema fixture, which also checks the
 * generated default<Name>() functions. Truncated encodings must fail with ProtocolDecodeError.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolDecodeError, ProtocolEncodeError, Reader, Writer } from '../../../src/broker/protocol/codec.js';
import { apis, apiList, ApiKey, requestHeaderVersion, responseHeaderVersion } from '../../../src/broker/protocol/apis.js';
import { handlers } from '../../../src/broker/apis/index.js';
import { ErrorCode, errorMessage, errorName } from '../../../src/broker/protocol/error-codes.js';
import { schemas, type FieldSchema, type MessageSchema } from './fixtures/schemas.js';
import { seeded, type Rng } from '../../helpers/seeded.js';

const rng = seeded;

const inRange = (r: [number, number] | null | undefined, v: number): boolean => !!r && v >= r[0] && v <= r[1];
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function parseIntDefault(raw: string): bigint {
  const neg = raw.startsWith('-');
  const body = neg ? raw.slice(1) : raw;
  const v = /^0x/i.test(body) ? BigInt(body) : BigInt(Number(body));
  return neg ? -v : v;
}

function defaultValue(f: FieldSchema, s: MessageSchema): unknown {
  if (f.default === 'null') return null;
  if (f.array) return [];
  const struct = s.structs[f.type];
  if (struct) return defaultStruct(struct, s);
  switch (f.type) {
    case 'bool':
      return f.default === 'true';
    case 'int64':
      return f.default === undefined ? 0n : parseIntDefault(f.default);
    case 'float64':
      return f.default === undefined ? 0 : Number(f.default);
    case 'string':
      return f.default ?? '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return f.default === undefined ? 0 : Number(parseIntDefault(f.default));
  }
}

function defaultStruct(fields: FieldSchema[], s: MessageSchema): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[f.prop] = defaultValue(f, s);
  return o;
}

const CHARS = ['a', 'b', 'z', 'K', '0', '-', '_', '.', ' ', 'é', 'ß', '日', '本', '😀'];

function randomInt(rnd: Rng, lo: number, hi: number): number {
  // Edge values are more interesting than uniform noise.
  const p = rnd();
  if (p < 0.1) return lo;
  if (p < 0.2) return hi;
  if (p < 0.3) return 0 >= lo && 0 <= hi ? 0 : lo;
  return lo + Math.floor(rnd() * (hi - lo + 1));
}

function randomPrim(type: string, rnd: Rng): unknown {
  switch (type) {
    case 'bool':
      return rnd() < 0.5;
    case 'int8':
      return randomInt(rnd, -128, 127);
    case 'int16':
      return randomInt(rnd, -32768, 32767);
    case 'uint16':
      return randomInt(rnd, 0, 65535);
    case 'int32':
      return randomInt(rnd, -2147483648, 2147483647);
    case 'uint32':
      return randomInt(rnd, 0, 4294967295);
    case 'int64': {
      const p = rnd();
      if (p < 0.1) return -(2n ** 63n);
      if (p < 0.2) return 2n ** 63n - 1n;
      if (p < 0.3) return -1n;
      const hi = BigInt(Math.floor(rnd() * 2 ** 32));
      const lo = BigInt(Math.floor(rnd() * 2 ** 32));
      return BigInt.asIntN(64, (hi << 32n) | lo);
    }
    case 'float64': {
      const p = rnd();
      if (p < 0.1) return Number.MAX_VALUE;
      if (p < 0.2) return -0.5;
      return (rnd() - 0.5) * 1e9;
    }
    case 'string': {
      const n = Math.floor(rnd() * 9);
      let s = '';
      for (let i = 0; i < n; i++) s += CHARS[Math.floor(rnd() * CHARS.length)];
      return s;
    }
    case 'uuid': {
      const b = Buffer.alloc(16);
      for (let i = 0; i < 16; i++) b[i] = Math.floor(rnd() * 256);
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case 'bytes':
    case 'records': {
      const b = Buffer.alloc(Math.floor(rnd() * (type === 'records' ? 24 : 9)));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
      return b;
    }
    default:
      throw new Error(`unknown type ${type}`);
  }
}

function randomElem(type: string, s: MessageSchema, version: number, rnd: Rng): unknown {
  const struct = s.structs[type];
  return struct ? randomStruct(struct, s, version, rnd) : randomPrim(type, rnd);
}

function randomField(f: FieldSchema, s: MessageSchema, version: number, rnd: Rng): unknown {
  if (inRange(f.nullable, version) && rnd() < 0.2) return null;
  if (f.array) {
    const n = Math.floor(rnd() * 4);
    const a: unknown[] = [];
    for (let i = 0; i < n; i++) a.push(randomElem(f.type, s, version, rnd));
    return a;
  }
  return randomElem(f.type, s, version, rnd);
}

function randomStruct(fields: FieldSchema[], s: MessageSchema, version: number, rnd: Rng): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) {
    const present = inRange(f.versions, version);
    // Tagged fields are left at their default half of the time (then they are not written at all).
    const useDefault = !present || (f.tag !== undefined && rnd() < 0.5);
    o[f.prop] = useDefault ? defaultValue(f, s) : randomField(f, s, version, rnd);
  }
  return o;
}

type ReadFn = (r: Reader, version: number) => unknown;
type WriteFn = (w: Writer, version: number, m: unknown) => void;

interface Codec {
  read: ReadFn;
  write: WriteFn;
  defaults: () => unknown;
}

async function loadCodec(s: MessageSchema): Promise<Codec> {
  const mod = (await import(`../../../src/broker/protocol/messages/${s.module}.js`)) as Record<string, unknown>;
  const read = mod[`read${s.name}`];
  const write = mod[`write${s.name}`];
  const defaults = mod[`default${s.name}`];
  assert.equal(typeof read, 'function', `read${s.name}`);
  assert.equal(typeof write, 'function', `write${s.name}`);
  assert.equal(typeof defaults, 'function', `default${s.name}`);
  return { read: read as ReadFn, write: write as WriteFn, defaults: defaults as () => unknown };
}

function encode(c: Codec, version: number, m: unknown): Buffer {
  const w = new Writer(64);
  c.write(w, version, m);
  const b = w.toBuffer();
  assert.equal(b.length, w.length);
  return b;
}

const ITERATIONS = 4;

describe('round trip of every message at every version', () => {
  for (const s of schemas) {
    test(s.name, async () => {
      const codec = await loadCodec(s);
      assert.deepStrictEqual(codec.defaults(), defaultStruct(s.fields, s), 'default value');
      for (let version = s.versions[0]; version <= s.versions[1]; version++) {
        for (let it = 0; it < ITERATIONS; it++) {
          const seed = (s.name.length * 7919 + version * 131 + it) | 0;
          const rnd = rng(seed);
          const where = `${s.name} v${version} seed ${seed}`;
          const msg = it === 0 ? defaultStruct(s.fields, s) : randomStruct(s.fields, s, version, rnd);
          // The all-defaults message must be writable at every version (nothing non-default to lose).
          const bytes = encode(codec, version, msg);
          const r = new Reader(bytes);
          const decoded = codec.read(r, version);
          assert.equal(r.remaining, 0, `${where}: unread bytes`);
          assert.deepStrictEqual(decoded, msg, where);
          assert.ok(encode(codec, version, decoded).equals(bytes), `${where}: re-encoding differs`);
          // Any strict prefix is truncated input: must fail cleanly.
          for (let k = 0; k < 3 && bytes.length > 0; k++) {
            const cut = Math.floor(rnd() * bytes.length);
            assert.throws(() => codec.read(new Reader(bytes.subarray(0, cut)), version), ProtocolDecodeError, `${where}: cut at ${cut}`);
          }
        }
      }
      assert.throws(() => codec.read(new Reader(Buffer.alloc(0)), s.versions[1] + 1), ProtocolDecodeError);
      assert.throws(() => encode(codec, s.versions[1] + 1, codec.defaults()), ProtocolEncodeError);
    });
  }
});

describe('mutated input never escapes ProtocolDecodeError', () => {
  const names = ['ProduceRequest', 'FetchRequest', 'FetchResponse', 'MetadataResponse', 'ApiVersionsResponse', 'RequestHeader'];
  for (const name of names) {
    test(name, async () => {
      const s = schemas.find((x) => x.name === name)!;
      const codec = await loadCodec(s);
      const rnd = rng(42);
      for (let version = s.versions[0]; version <= s.versions[1]; version++) {
        for (let it = 0; it < 20; it++) {
          const bytes = Buffer.from(encode(codec, version, randomStruct(s.fields, s, version, rnd)));
          if (bytes.length === 0) continue;
          for (let flips = 1 + Math.floor(rnd() * 3); flips > 0; flips--) {
            bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
          }
          try {
            codec.read(new Reader(bytes), version);
          } catch (e) {
            assert.ok(e instanceof ProtocolDecodeError, `${name} v${version}: ${String(e)}`);
          }
        }
      }
    });
  }
});

describe('encode-side version rules', () => {
  test('non-ignorable field absent from the target version must hold its default', async () => {
    const { writeFetchResponse, createFetchResponse } = await import('../../../src/broker/protocol/messages/fetch-response.js');
    const w = new Writer();
    assert.throws(() => writeFetchResponse(w, 4, createFetchResponse({ sessionId: 5 })), ProtocolEncodeError);
    writeFetchResponse(new Writer(), 7, createFetchResponse({ sessionId: 5 }));
    // ignorable: silently dropped
    const b = new Writer();
    writeFetchResponse(b, 0, createFetchResponse({ throttleTimeMs: 100 }));
    assert.equal(b.toBuffer().toString('hex'), '00000000');
  });

  test('null in a non-nullable version is rejected', async () => {
    const { writeMetadataRequest, readMetadataRequest } = await import('../../../src/broker/protocol/messages/metadata-request.js');
    // Topics is nullable ("all topics") from v1 only.
    const all = { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
    const w = new Writer();
    writeMetadataRequest(w, 1, all);
    assert.equal(w.toBuffer().toString('hex'), 'ffffffff');
    assert.deepStrictEqual(readMetadataRequest(new Reader(w.toBuffer()), 1), all);
    assert.throws(() => writeMetadataRequest(new Writer(), 0, all), ProtocolEncodeError);
    assert.throws(() => readMetadataRequest(new Reader(Buffer.from('ffffffff', 'hex')), 0), ProtocolDecodeError);
  });

  test('tagged fields are written only when non-default, and unknown tags are skipped', async () => {
    const { writeFetchResponse, readFetchResponse, createFetchResponse, createFetchableTopicResponse, createPartitionData } = await import(
      '../../../src/broker/protocol/messages/fetch-response.js'
    );
    const partition = createPartitionData({ partitionIndex: 3, records: Buffer.from('rec') });
    const msg = createFetchResponse({ responses: [createFetchableTopicResponse({ topicId: ZERO_UUID.replace(/0$/, '1'), partitions: [partition] })] });
    const w = new Writer();
    writeFetchResponse(w, 13, msg);
    const plain = w.toBuffer();
    partition.currentLeader = { leaderId: 7, leaderEpoch: 9 };
    const w2 = new Writer();
    writeFetchResponse(w2, 13, msg);
    const tagged = w2.toBuffer();
    // tag 1 (CurrentLeader): tag, size 9 = int32 + int32 + empty tagged fields
    assert.equal(tagged.length, plain.length + 1 + 1 + 9);
    assert.deepEqual(readFetchResponse(new Reader(tagged), 13).responses[0].partitions[0].currentLeader, { leaderId: 7, leaderEpoch: 9 });

    // Append an unknown tag (99, 2 bytes) to the top-level tagged fields: the reader skips it.
    assert.equal(plain[plain.length - 1], 0);
    const withUnknown = Buffer.concat([plain.subarray(0, plain.length - 1), Buffer.from([1, 99, 2, 0xaa, 0xbb])]);
    assert.deepStrictEqual(readFetchResponse(new Reader(withUnknown), 13), readFetchResponse(new Reader(plain), 13));
  });
});

describe('registry', () => {
  test('ApiKey and apis agree', () => {
    assert.equal(ApiKey.Produce, 0);
    assert.equal(ApiKey.Fetch, 1);
    assert.equal(ApiKey.ApiVersions, 18);
    assert.equal(apis[ApiKey.Produce]?.name, 'Produce');
    assert.equal(apis[9999], undefined);
    assert.equal(apis[-1], undefined);
    for (const api of apiList) {
      assert.equal(apis[api.key], api);
      assert.equal(ApiKey[api.name], api.key);
      assert.ok(api.minVersion <= api.maxVersion);
    }
    // Codecs are generated for exactly the APIs the broker serves; ApiKey names every API.
    assert.deepEqual(apiList.map((a) => a.key), handlers.map((h) => h.apiKey).sort((a, b) => a - b));
    assert.ok(Object.keys(ApiKey).length >= 80);
  });

  test('registry functions round-trip', () => {
    const api = apis[ApiKey.Metadata]!;
    const w = new Writer();
    const req = api.readRequest(new Reader(Buffer.from('00000000' + '01', 'hex')), 4);
    api.writeRequest(w, 4, req);
    assert.equal(w.toBuffer().toString('hex'), '0000000001');
  });

  test('header versions', () => {
    assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
    assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
    assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 0), 0);
    assert.equal(requestHeaderVersion(ApiKey.ControlledShutdown, 1), 1);
    assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2);
    assert.equal(responseHeaderVersion(ApiKey.ApiVersions, 3), 0);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 11), 0);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 12), 1);
    assert.equal(responseHeaderVersion(ApiKey.Metadata, 9), 1);
    assert.equal(requestHeaderVersion(9999, 0), 1);
    assert.equal(responseHeaderVersion(9999, 0), 0);
  });

  test('error codes', () => {
    assert.equal(ErrorCode.NONE, 0);
    assert.equal(ErrorCode.UNKNOWN_SERVER_ERROR, -1);
    assert.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER, 6);
    assert.equal(errorName(3), 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.match(errorMessage(3), /does not host this topic-partition/);
    assert.equal(errorName(12345), 'UNKNOWN_ERROR_CODE_12345');
  });
});
