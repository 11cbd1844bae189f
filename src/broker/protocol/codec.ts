/**
 * Binary primitives of the Kafka wire protocol (and of the record-batch format, which reuses
 * the zigzag varints). Hand-written; the generated message codecs in ./messages call into it.
 *
 * Reader: a bounds-checked cursor over a Buffer. Every read validates lengths before touching
 * memory and throws ProtocolDecodeError on truncated or malformed input, so a hostile length
 * can never cause an out-of-range read, a huge allocation or an unbounded loop.
 * Variable-length values (strings excepted) are returned as subarray views: no copy.
 *
 * Writer: small writes go into a scratch buffer; payloads of LARGE_CHUNK bytes or more
 * (writeRaw, bytes, records) are appended as separate chunks without copying, so a Fetch
 * response can reference record batches without copying them. Size prefixes: either compute
 * them up front, or reserveInt32() a slot and patchInt32() it once the size is known.
 */

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

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MASK = (1n << 64n) - 1n;

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

function zigzag64(value: bigint | number): bigint {
  const v = typeof value === 'bigint' ? value : BigInt(value);
  if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`varlong out of int64 range: ${v}`);
  return ((v << 1n) ^ (v >> 63n)) & UINT64_MASK;
}

export class Reader {
  readonly buf: Buffer;
  /** Absolute offset of the next byte to read. */
  pos: number;
  /** Absolute offset one past the last readable byte. */
  readonly end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) throw new RangeError('Reader: invalid range');
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless at least n more bytes are available. */
  need(n: number): void {
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError(`truncated input: need ${n} bytes at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolDecodeError(`negative skip ${n}`);
    this.need(n);
    this.pos += n;
  }

  readInt8(): number {
    this.need(1);
    const v = this.buf[this.pos++];
    return (v << 24) >> 24;
  }

  readUInt8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  readBool(): boolean {
    this.need(1);
    // Kafka treats any non-zero byte as true.
    return this.buf[this.pos++] !== 0;
  }

  readInt16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return ((b[p] << 24) | (b[p + 1] << 16)) >> 16;
  }

  readUInt16(): number {
    this.need(2);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }

  readInt32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  readUInt32(): number {
    return this.readInt32() >>> 0;
  }

  readInt64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  readFloat64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned LEB128 varint of at most 32 bits (5 bytes). */
  readUVarint(): number {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= end) throw new ProtocolDecodeError(`truncated varint at offset ${this.pos}`);
      const byte = b[p++];
      // Multiplication instead of << keeps bit 31 from turning the result negative.
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) break;
        this.pos = p;
        return result;
      }
    }
    throw new ProtocolDecodeError(`varint too long at offset ${this.pos}`);
  }

  /** Zigzag-encoded signed 32-bit varint. */
  readVarint(): number {
    const u = this.readUVarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Unsigned LEB128 varint of at most 64 bits (10 bytes). */
  readUVarlong(): bigint {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    // Accumulate in two 35-bit number halves; BigInt only for the final combination.
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= end) throw new ProtocolDecodeError(`truncated varlong at offset ${this.pos}`);
      const byte = b[p++];
      if (i < 5) lo += (byte & 0x7f) * 2 ** (7 * i);
      else hi += (byte & 0x7f) * 2 ** (7 * (i - 5));
      if ((byte & 0x80) === 0) {
        if (i === 9 && byte > 1) break; // more than 64 bits
        this.pos = p;
        return hi === 0 ? BigInt(lo) : (BigInt(hi) << 35n) + BigInt(lo);
      }
    }
    throw new ProtocolDecodeError(`varlong too long at offset ${this.pos}`);
  }

  /** Zigzag-encoded signed 64-bit varint. */
  readVarlong(): bigint {
    const u = this.readUVarlong();
    return (u >> 1n) ^ -(u & 1n);
  }

  /**
   * Zigzag varlong as a number, for record-format fields that are int64 on the wire but small
   * in practice (timestamp deltas). Throws if the value is not a safe integer.
   */
  readVarlongAsNumber(): number {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    let u = 0;
    // Fast path for up to 7 bytes (49 bits, exact in a double); longer encodings go through BigInt.
    for (let i = 0; i < 7; i++) {
      if (p >= end) throw new ProtocolDecodeError(`truncated varlong at offset ${this.pos}`);
      const byte = b[p++];
      u += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        this.pos = p;
        // Undo zigzag arithmetically (bit operators would truncate to 32 bits).
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      }
    }
    const v = this.readVarlong();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ProtocolDecodeError(`varlong ${v} is not a safe integer`);
    }
    return Number(v);
  }

  /** A view of the next n bytes (no copy). */
  readRawBytes(n: number): Buffer {
    this.need(n);
    const p = this.pos;
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  private readUtf8(n: number): string {
    this.need(n);
    const p = this.pos;
    this.pos = p + n;
    return this.buf.toString('utf8', p, p + n);
  }

  /** Checks a decoded length: -1 is null, any other negative value is invalid. */
  private checkLength(n: number, what: string): number {
    if (n < -1) throw new ProtocolDecodeError(`invalid ${what} length ${n} at offset ${this.pos}`);
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError(`${what} length ${n} exceeds remaining ${this.end - this.pos} bytes at offset ${this.pos}`);
    }
    return n;
  }

  /** STRING: int16 length + UTF-8. */
  readString(): string {
    const n = this.checkLength(this.readInt16(), 'string');
    if (n < 0) throw new ProtocolDecodeError('non-nullable string is null');
    return this.readUtf8(n);
  }

  /** NULLABLE_STRING: int16 length (-1 = null) + UTF-8. */
  readNullableString(): string | null {
    const n = this.checkLength(this.readInt16(), 'string');
    return n < 0 ? null : this.readUtf8(n);
  }

  /** COMPACT_STRING: uvarint length+1 + UTF-8. */
  readCompactString(): string {
    const n = this.checkLength(this.readUVarint() - 1, 'compact string');
    if (n < 0) throw new ProtocolDecodeError('non-nullable compact string is null');
    return this.readUtf8(n);
  }

  /** COMPACT_NULLABLE_STRING: uvarint length+1 (0 = null) + UTF-8. */
  readCompactNullableString(): string | null {
    const n = this.checkLength(this.readUVarint() - 1, 'compact string');
    return n < 0 ? null : this.readUtf8(n);
  }

  /** BYTES: int32 length + data (view, no copy). */
  readBytes(): Buffer {
    const n = this.checkLength(this.readInt32(), 'bytes');
    if (n < 0) throw new ProtocolDecodeError('non-nullable bytes is null');
    return this.readRawBytes(n);
  }

  /** NULLABLE_BYTES: int32 length (-1 = null) + data (view, no copy). */
  readNullableBytes(): Buffer | null {
    const n = this.checkLength(this.readInt32(), 'bytes');
    return n < 0 ? null : this.readRawBytes(n);
  }

  /** COMPACT_BYTES: uvarint length+1 + data (view, no copy). */
  readCompactBytes(): Buffer {
    const n = this.checkLength(this.readUVarint() - 1, 'compact bytes');
    if (n < 0) throw new ProtocolDecodeError('non-nullable compact bytes is null');
    return this.readRawBytes(n);
  }

  /** COMPACT_NULLABLE_BYTES: uvarint length+1 (0 = null) + data (view, no copy). */
  readCompactNullableBytes(): Buffer | null {
    const n = this.checkLength(this.readUVarint() - 1, 'compact bytes');
    return n < 0 ? null : this.readRawBytes(n);
  }

  /** UUID: 16 bytes, returned in canonical lowercase dashed form. */
  readUuid(): string {
    this.need(16);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 16;
    return (
      HEX[b[p]] + HEX[b[p + 1]] + HEX[b[p + 2]] + HEX[b[p + 3]] + '-' +
      HEX[b[p + 4]] + HEX[b[p + 5]] + '-' + HEX[b[p + 6]] + HEX[b[p + 7]] + '-' +
      HEX[b[p + 8]] + HEX[b[p + 9]] + '-' +
      HEX[b[p + 10]] + HEX[b[p + 11]] + HEX[b[p + 12]] + HEX[b[p + 13]] + HEX[b[p + 14]] + HEX[b[p + 15]]
    );
  }

  /**
   * ARRAY length: int32, -1 = null (returned as -1). Every array element takes at least one
   * byte on the wire, so a count larger than the remaining bytes is rejected up front.
   */
  readArrayLength(): number {
    return this.checkLength(this.readInt32(), 'array');
  }

  /** COMPACT_ARRAY length: uvarint length+1, 0 = null (returned as -1). */
  readCompactArrayLength(): number {
    return this.checkLength(this.readUVarint() - 1, 'compact array');
  }

  /** Skips a whole tagged-fields section (used where no tag is known). */
  skipTaggedFields(): void {
    const count = this.readUVarint();
    // Each tagged field takes at least two bytes (tag and size).
    if (count * 2 > this.end - this.pos) throw new ProtocolDecodeError(`tagged field count ${count} exceeds input`);
    for (let i = 0; i < count; i++) {
      this.readUVarint(); // tag
      this.skip(this.readUVarint());
    }
  }

  /** Reads a tagged-field count, rejecting counts that cannot fit in the input. */
  readTaggedFieldCount(): number {
    const count = this.readUVarint();
    if (count * 2 > this.end - this.pos) throw new ProtocolDecodeError(`tagged field count ${count} exceeds input`);
    return count;
  }

  /** Validates a tagged field size and returns the offset where the field must end. */
  taggedFieldEnd(size: number): number {
    this.need(size);
    return this.pos + size;
  }

  /** Called after decoding a known tagged field: fails if it overran its declared size, skips any excess. */
  finishTaggedField(end: number): void {
    if (this.pos > end) throw new ProtocolDecodeError(`tagged field overran its size by ${this.pos - end} bytes`);
    this.pos = end;
  }
}

export class Writer {
  /** Completed chunks, in order. */
  private chunks: Buffer[] = [];
  private chunksLength = 0;
  /** Scratch buffer; bytes [start, pos) are written but not yet moved to `chunks`. */
  private buf: Buffer;
  private start = 0;
  private pos = 0;
  private slotBufs: Buffer[] = [];
  private slotOffsets: number[] = [];

  constructor(initialCapacity = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.chunksLength + (this.pos - this.start);
  }

  /** Moves the pending scratch region into `chunks` (a view; the scratch bytes are never rewritten). */
  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.chunksLength += this.pos - this.start;
      this.start = this.pos;
    }
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) {
      this.flush();
      // Old scratch stays referenced by its chunk; start a fresh, bigger one (no copying).
      const size = Math.max(n, Math.min(this.buf.length * 2, 1 << 20));
      this.buf = Buffer.allocUnsafe(size);
      this.start = 0;
      this.pos = 0;
    }
  }

  writeInt8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  writeUInt8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  writeInt16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 8) & 0xff;
    b[p + 1] = v & 0xff;
    this.pos = p + 2;
  }

  writeUInt16(v: number): void {
    this.writeInt16(v);
  }

  writeInt32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.pos = p + 4;
  }

  writeUInt32(v: number): void {
    this.writeInt32(v);
  }

  writeInt64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  writeFloat64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** Unsigned LEB128 varint, 0 <= value <= 2^32-1. */
  writeUVarint(value: number): void {
    if (!(value >= 0 && value <= 0xffffffff)) throw new RangeError(`uvarint out of range: ${value}`);
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    let v = value;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Zigzag signed 32-bit varint. */
  writeVarint(value: number): void {
    this.writeUVarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Unsigned LEB128 varint of up to 64 bits. */
  writeUVarlong(value: bigint): void {
    if (value < 0n || value > UINT64_MASK) throw new RangeError(`uvarlong out of range: ${value}`);
    this.ensure(10);
    const b = this.buf;
    let p = this.pos;
    let v = value;
    while (v >= 0x80n) {
      b[p++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    b[p++] = Number(v);
    this.pos = p;
  }

  /** Zigzag signed 64-bit varint; accepts a bigint or a safe-integer number. */
  writeVarlong(value: bigint | number): void {
    if (typeof value === 'number' && Number.isInteger(value) && value < 2 ** 52 && value >= -(2 ** 52)) {
      // Fast path without BigInt: zigzag arithmetically (exact below 2^53), emit 7 bits at a time.
      let v = value >= 0 ? value * 2 : -value * 2 - 1;
      this.ensure(10);
      const b = this.buf;
      let p = this.pos;
      while (v >= 0x80) {
        b[p++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      b[p++] = v;
      this.pos = p;
      return;
    }
    this.writeUVarlong(zigzag64(value));
  }

  /** Appends bytes: copied into the scratch buffer when small, referenced as a chunk when large. */
  writeRaw(data: Buffer): void {
    const n = data.length;
    if (n >= LARGE_CHUNK) {
      this.flush();
      this.chunks.push(data);
      this.chunksLength += n;
      return;
    }
    this.ensure(n);
    data.copy(this.buf, this.pos);
    this.pos += n;
  }

  /** Appends everything written to another Writer. */
  writeWriter(other: Writer): void {
    for (const c of other.toChunks()) this.writeRaw(c);
  }

  private writeUtf8(s: string, n: number): void {
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf8');
    this.pos += n;
  }

  /** STRING: int16 length + UTF-8. */
  writeString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0x7fff) throw new RangeError(`string of ${n} bytes is too long for an int16 length`);
    this.writeInt16(n);
    this.writeUtf8(s, n);
  }

  /** NULLABLE_STRING: int16 length (-1 = null) + UTF-8. */
  writeNullableString(s: string | null): void {
    if (s === null) this.writeInt16(-1);
    else this.writeString(s);
  }

  /** COMPACT_STRING: uvarint length+1 + UTF-8. */
  writeCompactString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.writeUVarint(n + 1);
    this.writeUtf8(s, n);
  }

  /** COMPACT_NULLABLE_STRING: uvarint length+1 (0 = null) + UTF-8. */
  writeCompactNullableString(s: string | null): void {
    if (s === null) this.writeUVarint(0);
    else this.writeCompactString(s);
  }

  /** BYTES: int32 length + data. */
  writeBytes(data: Buffer): void {
    this.writeInt32(data.length);
    this.writeRaw(data);
  }

  /** NULLABLE_BYTES: int32 length (-1 = null) + data. */
  writeNullableBytes(data: Buffer | null): void {
    if (data === null) this.writeInt32(-1);
    else this.writeBytes(data);
  }

  /** COMPACT_BYTES: uvarint length+1 + data. */
  writeCompactBytes(data: Buffer): void {
    this.writeUVarint(data.length + 1);
    this.writeRaw(data);
  }

  /** COMPACT_NULLABLE_BYTES: uvarint length+1 (0 = null) + data. */
  writeCompactNullableBytes(data: Buffer | null): void {
    if (data === null) this.writeUVarint(0);
    else this.writeCompactBytes(data);
  }

  /** UUID from its dashed hex form (either case). */
  writeUuid(uuid: string): void {
    if (uuid.length !== 36 || !UUID_RE.test(uuid)) throw new RangeError(`invalid uuid: ${JSON.stringify(uuid)}`);
    this.ensure(16);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i++;
      b[p++] = parseInt(uuid.slice(i, i + 2), 16);
    }
    this.pos = p;
  }

  /** ARRAY length: int32; pass -1 for a null array. */
  writeArrayLength(n: number): void {
    this.writeInt32(n);
  }

  /** COMPACT_ARRAY length: uvarint n+1; pass -1 for a null array. */
  writeCompactArrayLength(n: number): void {
    this.writeUVarint(n + 1);
  }

  /** An empty tagged-fields section. */
  writeEmptyTaggedFields(): void {
    this.writeUVarint(0);
  }

  /**
   * Reserves 4 bytes for an int32 written later with patchInt32 (e.g. a size prefix).
   * Returns an opaque handle. Patch before calling toBuffer().
   */
  reserveInt32(): number {
    this.ensure(4);
    this.slotBufs.push(this.buf);
    this.slotOffsets.push(this.pos);
    this.pos += 4;
    return this.slotBufs.length - 1;
  }

  patchInt32(handle: number, value: number): void {
    const b = this.slotBufs[handle];
    if (b === undefined) throw new RangeError(`unknown reserved slot ${handle}`);
    b.writeInt32BE(value | 0, this.slotOffsets[handle]);
  }

  /** The output as a list of buffers (views; no copy). Suitable for socket.writev / cork+write. */
  toChunks(): Buffer[] {
    this.flush();
    return this.chunks.slice();
  }

  /** The output as one buffer (no copy when it fits in a single chunk). */
  toBuffer(): Buffer {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0];
    if (this.chunks.length === 0) return EMPTY_BUFFER;
    return Buffer.concat(this.chunks, this.chunksLength);
  }
}
