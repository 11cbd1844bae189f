// CRC-32C (Castagnoli), the checksum of Kafka record batch v2.
// Node has no built-in CRC-32C (zlib.crc32 is the IEEE polynomial) and the npm
// options need native builds, so this is a small slice-by-16 table
// implementation: 16 input bytes per step, ~1.3 GB/s in V8 (slice-by-8 measured
// ~1.1 GB/s; the 16 KiB of extra tables is worth it on the produce path).

const POLY = 0x82f63b78; // reflected Castagnoli polynomial

/** 16 tables of 256 entries, contiguous: table k at [k*256, k*256+256). */
const T = new Int32Array(16 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = T[n];
  for (let k = 1; k < 16; k++) {
    c = T[c & 0xff] ^ (c >>> 8);
    T[k * 256 + n] = c;
  }
}

/**
 * CRC-32C of `buf[start, end)`, as an unsigned 32-bit number.
 * `previous` continues an earlier checksum: crc32c(b1 ++ b2) ===
 * crc32c(b2, 0, b2.length, crc32c(b1)), so data can be checksummed in pieces.
 */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, previous = 0): number {
  if (start < 0 || end > buf.length || start > end) {
    throw new RangeError(`crc32c: bad range [${start}, ${end}) for a buffer of ${buf.length} bytes`);
  }
  let crc = ~previous;
  let i = start;
  const stop16 = end - 16;
  while (i <= stop16) {
    // The first 4 bytes are folded into the running CRC; the other 12 only
    // go through their table, which is what makes slicing parallel.
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      T[3840 + (a & 0xff)] ^
      T[3584 + ((a >>> 8) & 0xff)] ^
      T[3328 + ((a >>> 16) & 0xff)] ^
      T[3072 + (a >>> 24)] ^
      T[2816 + buf[i + 4]] ^
      T[2560 + buf[i + 5]] ^
      T[2304 + buf[i + 6]] ^
      T[2048 + buf[i + 7]] ^
      T[1792 + buf[i + 8]] ^
      T[1536 + buf[i + 9]] ^
      T[1280 + buf[i + 10]] ^
      T[1024 + buf[i + 11]] ^
      T[768 + buf[i + 12]] ^
      T[512 + buf[i + 13]] ^
      T[256 + buf[i + 14]] ^
      T[buf[i + 15]];
    i += 16;
  }
  while (i < end) {
    crc = T[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
    i++;
  }
  return ~crc >>> 0;
}
