// What the Reader and the Writer share: the protocol's error types, constants and the
// sizes of varints (see codec.ts).
/** Thrown by Reader (and the generated readers) on truncated or invalid input. */
export class ProtocolDecodeError extends Error {
  readonly code = 'KAFKA_PROTOCOL_DECODE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolDecodeError';
  }
}

/** Thrown by the generated writers when a message cannot be represented at the requested version. */
export class ProtocolEncodeError extends Error {
  readonly code = 'KAFKA_PROTOCOL_ENCODE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolEncodeError';
  }
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Shared zero-length buffer used as the default of bytes fields (never written to). */
export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);

/** Payloads at least this large are appended to a Writer as their own chunk instead of copied. */
export const LARGE_CHUNK = 4096;


const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
export const UINT64_MASK = (1n << 64n) - 1n;

/** Number of bytes writeUVarint(value) produces. */
export function uvarintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/** Number of bytes writeVarint(value) (zigzag int32) produces. */
export function varintSize(value: number): number {
  return uvarintSize(((value << 1) ^ (value >> 31)) >>> 0);
}

/** Number of bytes writeVarlong(value) (zigzag int64) produces. */
export function varlongSize(value: bigint | number): number {
  let v = zigzag64(value);
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

export function zigzag64(value: bigint | number): bigint {
  const v = typeof value === 'bigint' ? value : BigInt(value);
  if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`varlong out of int64 range: ${v}`);
  return ((v << 1n) ^ (v >> 63n)) & UINT64_MASK;
}
