// Zigzag varint/varlong helpers for the record format (protobuf encoding).
// Kept local so records/ does not depend on the protocol codec being written in
// parallel; these are tuned for the record hot path (no allocation, plain
// numbers). Varlongs are decoded as JS numbers: exact up to 2^53, which covers
// timestamp deltas; larger magnitudes lose precision rather than throwing.

/** Read cursor over a buffer; `pos` advances as values are read. */
export class VarReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Unsigned varint up to 35 bits folded into 32; throws RangeError on overrun. */
  readUnsignedVarint(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) throw new RangeError('varint runs past the end of the data');
      const b = buf[pos++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new RangeError('varint longer than 5 bytes');
    }
    this.pos = pos;
    return result >>> 0;
  }

  /** Signed (zigzag) 32-bit varint. */
  readVarint(): number {
    const u = this.readUnsignedVarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Signed (zigzag) 64-bit varlong as a number (exact within ±2^53). */
  readVarlong(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= end) throw new RangeError('varlong runs past the end of the data');
      if (i >= 10) throw new RangeError('varlong longer than 10 bytes');
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
    }
    this.pos = pos;
    // Zigzag decode with arithmetic (bit ops would truncate to 32 bits).
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }
}

/** Encoded size of a zigzag 32-bit varint. */
export function sizeOfVarint(value: number): number {
  let u = ((value << 1) ^ (value >> 31)) >>> 0;
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

/** Encoded size of a zigzag varlong (value must be a safe integer). */
export function sizeOfVarlong(value: number): number {
  let u = value >= 0 ? value * 2 : -value * 2 - 1;
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/** Writes a zigzag 32-bit varint at `pos`; returns the new position. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let u = ((value << 1) ^ (value >> 31)) >>> 0;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

/** Writes a zigzag varlong at `pos`; returns the new position. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong value ${value} is not a safe integer`);
  let u = value >= 0 ? value * 2 : -value * 2 - 1;
  while (u >= 128) {
    buf[pos++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[pos++] = u;
  return pos;
}
