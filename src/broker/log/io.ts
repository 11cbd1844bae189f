// Positional read/write helpers that loop until done: fs.readSync/writeSync
// may transfer fewer bytes than asked, and the log must never act on a short
// transfer as if it were complete.

import { readSync, writeSync } from 'node:fs';

/** Reads up to `length` bytes at file `position`; returns bytes read (short only at EOF). */
export function preadFully(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes all of `buf[offset, offset+length)` at file `position`. */
export function pwriteFully(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    done += writeSync(fd, buf, offset + done, length - done, position + done);
  }
}
