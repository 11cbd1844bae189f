// The Confluent wire format, opt-in per topic: a value is magic byte 0, the
// 4-byte big-endian schema id, for Protobuf the message indexes (which message
// of the .proto file: zigzag varints, a count then the path; [0] as the single
// byte 0), then the inner serde's bytes. Wrap a topic's serde with it to talk
// to Confluent-serialized topics and clients: `confluent(protobuf(Schema),
// { schemaId: 7 })`. The id is given (e.g. from `tributary schemas register`),
// so encoding needs no registry at run time; decoding reads any id and decodes
// with the inner serde, so a topic keeps its own type.
import { DeserializationError, type Serde } from './serde.js';

export interface ConfluentOptions {
  /** The registry's id of the schema values are written with. */
  schemaId: number;
  /** Protobuf only: the message's path in its file; default [0] (the first message) for protobuf serdes, none otherwise. */
  messageIndexes?: number[];
  /** Ids a decoded value may carry; default any. */
  accept?: (schemaId: number) => boolean;
}

export const MAGIC_BYTE = 0;

export interface ConfluentSerde<T> extends Serde<T> {
  readonly schemaId: number;
}

/** The schema id a Confluent-framed value carries, or undefined when it is not one. */
export function confluentSchemaId(data: Buffer): number | undefined {
  return data.length >= 5 && data[0] === MAGIC_BYTE ? data.readInt32BE(1) : undefined;
}

export function confluent<T>(inner: Serde<T>, options: ConfluentOptions): ConfluentSerde<T> {
  if (!Number.isInteger(options.schemaId) || options.schemaId < 0 || options.schemaId > 0x7fffffff) throw new RangeError(`schemaId ${options.schemaId} is not a schema id`);
  const isProtobuf = inner.contentType === 'application/x-protobuf';
  const indexes = options.messageIndexes ?? (isProtobuf ? [0] : undefined);
  const header = Buffer.alloc(5);
  header[0] = MAGIC_BYTE;
  header.writeInt32BE(options.schemaId, 1);
  const prefix = indexes ? Buffer.concat([header, encodeIndexes(indexes)]) : header;
  return {
    contentType: inner.contentType,
    ...(inner.messageName ? { messageName: inner.messageName } : {}),
    schemaId: options.schemaId,
    encode: (value) => Buffer.concat([prefix, inner.encode(value)]),
    decode: (data) => {
      const id = confluentSchemaId(data);
      if (id === undefined) throw new DeserializationError(`not in the Confluent wire format (magic byte ${MAGIC_BYTE} and a 4-byte schema id)`);
      if (options.accept && !options.accept(id)) throw new DeserializationError(`schema id ${id} is not one this topic takes`);
      const at = indexes ? skipIndexes(data, 5) : 5;
      return inner.decode(data.subarray(at));
    },
  };
}

function zigzag(n: number): number[] {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

export function encodeIndexes(indexes: number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  return Buffer.from([...zigzag(indexes.length), ...indexes.flatMap(zigzag)]);
}

/** Reads the message indexes at `at`; answers the offset after them. */
function skipIndexes(data: Buffer, at: number): number {
  const read = () => {
    let v = 0;
    for (let shift = 1; ; shift *= 128) {
      if (at >= data.length) throw new DeserializationError('the message indexes run past the end of the value');
      const b = data[at++]!;
      v += (b & 0x7f) * shift;
      if (b < 0x80) return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
      if (shift > 2 ** 28) throw new DeserializationError('a message index is longer than a varint');
    }
  };
  const count = read();
  if (count < 0 || count > 100) throw new DeserializationError(`${count} message indexes`);
  for (let i = 0; i < count; i++) read();
  return at;
}
