// A bounded cache of open segment-file descriptors, shared by every partition
// of a broker, so thousands of partitions never exhaust the open-file limit.
// Files are opened on first use and the least recently used one is closed when
// the cache is over its capacity. A descriptor in use by an asynchronous
// operation (fdatasync, a chunked read) is pinned: closing it then could let
// the kernel hand the same number to another file under that operation, so a
// pinned entry is never evicted and a release of it is deferred to the unpin.

import { closeSync, openSync } from 'node:fs';

/** One file the cache may hold open. Owned by a segment; the cache manages `fd`. */
export class CachedFile {
  fd = -1;
  pins = 0;
  /** Closed (released or evicted) while pinned: close once the last pin goes. */
  closePending = false;
  constructor(
    readonly path: string,
    /** open(2) flags for the next open ('r', 'r+', 'w+'); the owner changes it over the file's life. */
    public flags: string,
  ) {}
}

export interface FdCacheStats {
  /** Descriptors open right now. */
  open: number;
  /** open(2) calls made. */
  opens: number;
  /** Descriptors closed to stay under the capacity. */
  evictions: number;
}

export const DEFAULT_MAX_OPEN_FILES = 4096;

export class FdCache {
  /** Open files, least recently used first (a Map keeps insertion order). */
  private readonly lru = new Map<CachedFile, true>();
  private mru: CachedFile | null = null;
  private openCount = 0;
  private opens = 0;
  private evictions = 0;

  constructor(readonly capacity: number = DEFAULT_MAX_OPEN_FILES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`the open file cache needs a capacity >= 1, got ${capacity}`);
  }

  /** The file's descriptor, opening it (and closing the least recently used ones) when needed. */
  fd(file: CachedFile): number {
    if (file.fd >= 0) {
      if (this.mru !== file) this.touch(file);
      return file.fd;
    }
    file.fd = openSync(file.path, file.flags);
    file.closePending = false;
    this.opens++;
    this.openCount++;
    this.lru.set(file, true);
    this.mru = file;
    if (this.openCount > this.capacity) this.evict();
    return file.fd;
  }

  /** Opens (if needed) and pins: the descriptor stays valid until unpin(). */
  pin(file: CachedFile): number {
    const fd = this.fd(file);
    file.pins++;
    return fd;
  }

  unpin(file: CachedFile): void {
    if (file.pins > 0) file.pins--;
    if (file.pins === 0 && file.closePending) this.close(file);
    // Pins may have held the cache over its capacity: catch up now.
    else if (this.openCount > this.capacity) this.evict();
  }

  /** Closes the file's descriptor now, or when its last pin goes. */
  release(file: CachedFile): void {
    if (file.fd < 0) return;
    if (file.pins > 0) {
      file.closePending = true;
      return;
    }
    this.close(file);
  }

  stats(): FdCacheStats {
    return { open: this.openCount, opens: this.opens, evictions: this.evictions };
  }

  private touch(file: CachedFile): void {
    this.lru.delete(file);
    this.lru.set(file, true);
    this.mru = file;
  }

  private evict(): void {
    for (const file of this.lru.keys()) {
      if (this.openCount <= this.capacity) return;
      if (file.pins > 0 || file === this.mru) continue;
      this.close(file);
      this.evictions++;
    }
  }

  private close(file: CachedFile): void {
    const fd = file.fd;
    file.fd = -1;
    file.closePending = false;
    this.lru.delete(file);
    if (this.mru === file) this.mru = null;
    this.openCount--;
    closeSync(fd);
  }
}

/** The cache used when a log is opened without one (tests, tools). */
export const sharedFdCache = new FdCache();
