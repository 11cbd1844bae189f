// The chunked Writer of the Kafka wire protocol (see codec.ts).
import { EMPTY_BUFFER, LARGE_CHUNK, UINT64_MASK, zigzag64 } from './wire.js';

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

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
