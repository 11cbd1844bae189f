// The bounds-checked Reader of the Kafka wire protocol (see codec.ts).
import { ProtocolDecodeError } from './wire.js';

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

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
