// CRC-32C: standard check values, RFC 3720 vectors, ranges and chaining
// against a bit-at-a-time reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from '../../../src/broker/records/crc32c.js';

function reference(buf: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('check value "123456789" → 0xE3069283', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('RFC 3720 (iSCSI) test vectors', () => {
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
  assert.equal(crc32c(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x22620404);
});

test('matches the bitwise reference for every length 0..300 and sub-ranges', () => {
  const data = Buffer.alloc(300);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  for (let n = 0; n <= data.length; n++) assert.equal(crc32c(data, 0, n), reference(data.subarray(0, n)), `length ${n}`);
  for (let s = 0; s < 40; s++) assert.equal(crc32c(data, s, 250 - s), reference(data.subarray(s, 250 - s)));
});

test('chaining with `previous` equals one pass', () => {
  const data = Buffer.from('a somewhat longer input that spans several 16-byte blocks, plus a tail');
  for (const cut of [0, 1, 15, 16, 17, 33, data.length]) {
    const first = crc32c(data, 0, cut);
    assert.equal(crc32c(data, cut, data.length, first), crc32c(data));
  }
});

test('rejects bad ranges', () => {
  assert.throws(() => crc32c(Buffer.alloc(4), 0, 5), RangeError);
  assert.throws(() => crc32c(Buffer.alloc(4), 3, 2), RangeError);
});
