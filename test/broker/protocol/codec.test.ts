import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LARGE_CHUNK,
  ProtocolDecodeError,
  Reader,
  Writer,
  ZERO_UUID,
  uvarintSize,
  varintSize,
  varlongSize,
} from '../../../src/broker/protocol/codec.js';

const hex = (b: Buffer): string => b.toString('hex');
const bytes = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const reader = (h: string): Reader => new Reader(bytes(h));
const written = (fn: (w: Writer) => void): Buffer => {
  const w = new Writer(16);
  fn(w);
  return w.toBuffer();
};
const isDecodeError = (e: unknown): boolean => {
  assert.ok(e instanceof ProtocolDecodeError, `expected ProtocolDecodeError, got ${String(e)}`);
  assert.equal(e.code, 'KAFKA_PROTOCOL_DECODE');
  return true;
};

describe('fixed-width integers', () => {
  test('round-trip extremes', () => {
    const buf = written((w) => {
      w.writeInt8(-128);
      w.writeInt8(127);
      w.writeInt16(-32768);
      w.writeInt16(32767);
      w.writeUInt16(65535);
      w.writeInt32(-2147483648);
      w.writeInt32(2147483647);
      w.writeUInt32(4294967295);
      w.writeInt64(-(2n ** 63n));
      w.writeInt64(2n ** 63n - 1n);
      w.writeFloat64(-1.5);
      w.writeBool(true);
      w.writeBool(false);
    });
    assert.equal(buf.length, 1 + 1 + 2 + 2 + 2 + 4 + 4 + 4 + 8 + 8 + 8 + 1 + 1);
    const r = new Reader(buf);
    assert.equal(r.readInt8(), -128);
    assert.equal(r.readInt8(), 127);
    assert.equal(r.readInt16(), -32768);
    assert.equal(r.readInt16(), 32767);
    assert.equal(r.readUInt16(), 65535);
    assert.equal(r.readInt32(), -2147483648);
    assert.equal(r.readInt32(), 2147483647);
    assert.equal(r.readUInt32(), 4294967295);
    assert.equal(r.readInt64(), -(2n ** 63n));
    assert.equal(r.readInt64(), 2n ** 63n - 1n);
    assert.equal(r.readFloat64(), -1.5);
    assert.equal(r.readBool(), true);
    assert.equal(r.readBool(), false);
    assert.equal(r.remaining, 0);
  });

  test('big-endian layout', () => {
    assert.equal(hex(written((w) => w.writeInt32(0x01020304))), '01020304');
    assert.equal(hex(written((w) => w.writeInt16(-2))), 'fffe');
    assert.equal(hex(written((w) => w.writeInt64(1n))), '0000000000000001');
  });

  test('any non-zero byte is true', () => {
    assert.equal(reader('02').readBool(), true);
  });
});

describe('varints', () => {
  const uvarints: [number, string][] = [
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16383, 'ff7f'],
    [16384, '808001'],
    [2147483647, 'ffffffff07'],
    [4294967295, 'ffffffff0f'],
  ];
  for (const [value, encoded] of uvarints) {
    test(`uvarint ${value}`, () => {
      assert.equal(hex(written((w) => w.writeUVarint(value))), encoded);
      assert.equal(reader(encoded).readUVarint(), value);
      assert.equal(uvarintSize(value), encoded.length / 2);
    });
  }

  const varints: [number, string][] = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-64, '7f'],
    [64, '8001'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ];
  for (const [value, encoded] of varints) {
    test(`varint (zigzag) ${value}`, () => {
      assert.equal(hex(written((w) => w.writeVarint(value))), encoded);
      assert.equal(reader(encoded).readVarint(), value);
      assert.equal(varintSize(value), encoded.length / 2);
    });
  }

  const varlongs: [bigint, string][] = [
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [2147483647n, 'feffffff0f'],
    [-2147483648n, 'ffffffff0f'],
    [2n ** 53n, '80808080808080 20'],
    [2n ** 63n - 1n, 'feffffffffffffffff01'],
    [-(2n ** 63n), 'ffffffffffffffffff01'],
  ];
  for (const [value, encoded] of varlongs) {
    test(`varlong (zigzag) ${value}`, () => {
      const e = encoded.replace(/\s+/g, '');
      assert.equal(hex(written((w) => w.writeVarlong(value))), e);
      assert.equal(reader(e).readVarlong(), value);
      assert.equal(varlongSize(value), e.length / 2);
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        // number fast paths agree with the BigInt ones
        assert.equal(hex(written((w) => w.writeVarlong(Number(value)))), e);
        assert.equal(reader(e).readVarlongAsNumber(), Number(value));
      } else {
        assert.throws(() => reader(e).readVarlongAsNumber(), isDecodeError);
      }
    });
  }

  test('varlong number fast path matches BigInt path for many values', () => {
    for (let i = -70000; i <= 70000; i += 7) {
      assert.equal(hex(written((w) => w.writeVarlong(i))), hex(written((w) => w.writeVarlong(BigInt(i)))));
    }
    for (const v of [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 48 + 3, -(2 ** 49) - 1]) {
      const b = written((w) => w.writeVarlong(v));
      assert.equal(hex(b), hex(written((w) => w.writeVarlong(BigInt(v)))));
      assert.equal(new Reader(b).readVarlongAsNumber(), v);
      assert.equal(new Reader(b).readVarlong(), BigInt(v));
    }
  });

  test('overlong and truncated varints are rejected', () => {
    assert.throws(() => reader('ffffffff10').readUVarint(), isDecodeError); // > 32 bits
    assert.throws(() => reader('ffffffffff01').readUVarint(), isDecodeError); // 6 bytes
    assert.throws(() => reader('8080').readUVarint(), isDecodeError); // truncated
    assert.throws(() => reader('ffffffffffffffffff03').readVarlong(), isDecodeError); // > 64 bits
    assert.throws(() => reader('ffffffffffffffffffff01').readVarlong(), isDecodeError); // 11 bytes
    assert.throws(() => reader('ff').readVarlong(), isDecodeError);
    assert.throws(() => reader('ff').readVarlongAsNumber(), isDecodeError);
  });

  test('writer rejects out-of-range varints', () => {
    const w = new Writer();
    assert.throws(() => w.writeUVarint(-1), RangeError);
    assert.throws(() => w.writeUVarint(2 ** 32), RangeError);
    assert.throws(() => w.writeVarlong(2n ** 63n), RangeError);
  });
});

describe('strings and bytes', () => {
  test('classic and compact strings', () => {
    const buf = written((w) => {
      w.writeString('héllo');
      w.writeNullableString(null);
      w.writeNullableString('');
      w.writeCompactString('kafka');
      w.writeCompactNullableString(null);
      w.writeCompactNullableString('');
      w.writeCompactNullableString('日本');
    });
    assert.equal(
      hex(buf),
      '0006' + Buffer.from('héllo').toString('hex') + 'ffff' + '0000' +
        '06' + Buffer.from('kafka').toString('hex') + '00' + '01' + '07' + Buffer.from('日本').toString('hex'),
    );
    const r = new Reader(buf);
    assert.equal(r.readString(), 'héllo');
    assert.equal(r.readNullableString(), null);
    assert.equal(r.readNullableString(), '');
    assert.equal(r.readCompactString(), 'kafka');
    assert.equal(r.readCompactNullableString(), null);
    assert.equal(r.readCompactNullableString(), '');
    assert.equal(r.readCompactNullableString(), '日本');
    assert.equal(r.remaining, 0);
  });

  test('null where not nullable is an error', () => {
    assert.throws(() => reader('ffff').readString(), isDecodeError);
    assert.throws(() => reader('00').readCompactString(), isDecodeError);
    assert.throws(() => reader('ffffffff').readBytes(), isDecodeError);
    assert.throws(() => reader('00').readCompactBytes(), isDecodeError);
  });

  test('bytes are views into the input', () => {
    const input = bytes('00000003 aabbcc 04 010203 ffffffff 00');
    const r = new Reader(input);
    const a = r.readBytes();
    assert.equal(hex(a), 'aabbcc');
    assert.equal(a.buffer, input.buffer);
    assert.equal(a.byteOffset, input.byteOffset + 4);
    assert.equal(hex(r.readCompactBytes()), '010203');
    assert.equal(r.readNullableBytes(), null);
    assert.equal(r.readCompactNullableBytes(), null);
  });

  test('string length limit on write', () => {
    assert.throws(() => new Writer().writeString('x'.repeat(0x8000)), RangeError);
  });
});

describe('uuid', () => {
  test('round trip in canonical lowercase', () => {
    const id = '0123abcd-4567-89ef-0123-456789abcdef';
    const b = written((w) => w.writeUuid(id.toUpperCase()));
    assert.equal(hex(b), '0123abcd456789ef0123456789abcdef');
    assert.equal(new Reader(b).readUuid(), id);
    assert.equal(new Reader(Buffer.alloc(16)).readUuid(), ZERO_UUID);
  });

  test('invalid uuid strings are rejected', () => {
    assert.throws(() => new Writer().writeUuid('not-a-uuid'), RangeError);
    assert.throws(() => new Writer().writeUuid('0123abcd-4567-89ef-0123-456789abcdeg'), RangeError);
  });
});

describe('hostile input', () => {
  test('truncated fixed-width reads', () => {
    assert.throws(() => reader('').readInt8(), isDecodeError);
    assert.throws(() => reader('00').readInt16(), isDecodeError);
    assert.throws(() => reader('000000').readInt32(), isDecodeError);
    assert.throws(() => reader('00000000000000').readInt64(), isDecodeError);
    assert.throws(() => reader('00').readFloat64(), isDecodeError);
    assert.throws(() => reader('00'.repeat(15)).readUuid(), isDecodeError);
  });

  test('lengths beyond the buffer', () => {
    assert.throws(() => reader('0005 6162').readString(), isDecodeError);
    assert.throws(() => reader('06 6162').readCompactString(), isDecodeError);
    assert.throws(() => reader('7fffffff 00').readBytes(), isDecodeError);
    assert.throws(() => reader('ffffffff0f').readCompactBytes(), isDecodeError);
  });

  test('negative non-null lengths', () => {
    assert.throws(() => reader('fffe').readNullableString(), isDecodeError);
    assert.throws(() => reader('8000').readNullableString(), isDecodeError);
    assert.throws(() => reader('fffffffe').readNullableBytes(), isDecodeError);
    assert.throws(() => reader('80000000').readArrayLength(), isDecodeError);
  });

  test('array lengths over the remaining bytes fail before any allocation', () => {
    assert.throws(() => reader('7fffffff').readArrayLength(), isDecodeError);
    assert.throws(() => reader('00000002 00').readArrayLength(), isDecodeError);
    assert.throws(() => reader('ffffffff0f').readCompactArrayLength(), isDecodeError);
    assert.equal(reader('ffffffff').readArrayLength(), -1);
    assert.equal(reader('00').readCompactArrayLength(), -1);
    assert.equal(reader('00000001 00').readArrayLength(), 1);
  });

  test('tagged fields', () => {
    // two tagged fields: tag 0 size 2, tag 5 size 0, followed by a marker byte
    const r = reader('02 00 02 aabb 05 00 7e');
    r.skipTaggedFields();
    assert.equal(r.readInt8(), 0x7e);
    assert.throws(() => reader('ffffffff0f').skipTaggedFields(), isDecodeError);
    assert.throws(() => reader('01 00 05 aa').skipTaggedFields(), isDecodeError);
    assert.throws(() => reader('05 00 00').readTaggedFieldCount(), isDecodeError);
  });

  test('tagged field overrun and excess', () => {
    const r = reader('aabbccdd');
    const end = r.taggedFieldEnd(2);
    r.readInt8();
    r.finishTaggedField(end); // skips the unread byte
    assert.equal(r.pos, 2);
    const end2 = r.taggedFieldEnd(1);
    r.readInt16();
    assert.throws(() => r.finishTaggedField(end2), isDecodeError);
    assert.throws(() => reader('aa').taggedFieldEnd(2), isDecodeError);
  });

  test('reader honours a sub-range end', () => {
    const r = new Reader(bytes('0001 0203'), 0, 2);
    assert.equal(r.readInt16(), 1);
    assert.throws(() => r.readInt8(), isDecodeError);
  });
});

describe('Writer', () => {
  test('grows across many small writes', () => {
    const w = new Writer(16);
    for (let i = 0; i < 10000; i++) w.writeInt32(i);
    assert.equal(w.length, 40000);
    const b = w.toBuffer();
    const r = new Reader(b);
    for (let i = 0; i < 10000; i++) assert.equal(r.readInt32(), i);
  });

  test('large payloads become their own chunk without copying', () => {
    const big = Buffer.alloc(LARGE_CHUNK, 7);
    const w = new Writer();
    w.writeInt32(1);
    w.writeBytes(big);
    w.writeInt8(2);
    const chunks = w.toChunks();
    assert.equal(chunks.length, 3);
    assert.equal(chunks[1], big);
    assert.equal(w.length, 4 + 4 + LARGE_CHUNK + 1);
    const all = w.toBuffer();
    assert.equal(all.length, w.length);
    assert.equal(all.readInt32BE(4), LARGE_CHUNK);
    assert.equal(all[all.length - 1], 2);
  });

  test('small payloads are copied', () => {
    const small = Buffer.from('abc');
    const w = new Writer();
    w.writeRaw(small);
    small[0] = 0x7a;
    assert.equal(w.toBuffer().toString(), 'abc');
    assert.equal(w.toChunks().length, 1);
  });

  test('reserveInt32 / patchInt32 for size prefixes, across chunk boundaries', () => {
    const w = new Writer(16);
    const start = w.length;
    const slot = w.reserveInt32();
    w.writeString('x'.repeat(100)); // forces a new scratch buffer
    w.writeRaw(Buffer.alloc(LARGE_CHUNK)); // and a separate chunk
    w.patchInt32(slot, w.length - start - 4);
    const b = w.toBuffer();
    assert.equal(b.readInt32BE(0), b.length - 4);
  });

  test('writeWriter appends another writer', () => {
    const inner = new Writer();
    inner.writeCompactString('in');
    const w = new Writer();
    w.writeInt8(1);
    w.writeWriter(inner);
    assert.equal(hex(w.toBuffer()), '01' + '03' + Buffer.from('in').toString('hex'));
  });

  test('empty writer', () => {
    const w = new Writer();
    assert.equal(w.length, 0);
    assert.equal(w.toBuffer().length, 0);
    assert.deepEqual(w.toChunks(), []);
  });
});
