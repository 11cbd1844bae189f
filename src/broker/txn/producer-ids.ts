// Producer id allocation, unique across restarts. Ids are handed out from
// blocks; the end of the current block is persisted (fsynced, replaced
// atomically) before any id of it is used, so after a crash the broker resumes
// at the next block and never reissues an id. Costs one fsync per BLOCK_SIZE ids.
import fs from 'node:fs';
import path from 'node:path';

export const BLOCK_SIZE = 1000;
const FILE = 'producer-ids.json';

export class ProducerIdManager {
  private next: number;
  private blockEnd: number;

  private constructor(private readonly dir: string, start: number) {
    this.next = start;
    this.blockEnd = start;
  }

  static open(dir: string): ProducerIdManager {
    fs.mkdirSync(dir, { recursive: true });
    let start = 0;
    try {
      const saved = JSON.parse(fs.readFileSync(path.join(dir, FILE), 'utf8')) as { nextBlockStart?: unknown };
      if (typeof saved.nextBlockStart === 'number' && Number.isSafeInteger(saved.nextBlockStart) && saved.nextBlockStart >= 0) {
        start = saved.nextBlockStart;
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new ProducerIdManager(dir, start);
  }

  /** The next unused producer id. */
  nextId(): number {
    if (this.next >= this.blockEnd) {
      const end = this.next + BLOCK_SIZE;
      writeDurably(this.dir, FILE, JSON.stringify({ nextBlockStart: end }));
      this.blockEnd = end;
    }
    return this.next++;
  }
}

/** Write-to-temp, fsync, rename, fsync the directory: the old or the new file survives a crash, never half of one. */
export function writeDurably(dir: string, name: string, data: string): void {
  const target = path.join(dir, name);
  const tmp = `${target}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}
