// What a handler is processing right now, carried through its async calls, so
// that `table.set()` knows which input partition (and so which changelog
// partition) an update belongs to, and can hold the changelog write until the
// input offset is committed.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface PendingWrite {
  topic: string;
  partition?: number;
  key: Buffer | undefined;
  value: Buffer | null;
  headers?: Map<Buffer, Buffer>;
  timestamp?: bigint;
}

export interface ProcessingContext {
  topic: string;
  partition: number;
  offset: bigint;
  /** Records to produce before the input offset may be committed (outputs and changelog updates). */
  writes: PendingWrite[];
  /** Reverts in-memory table updates when the handler fails (run last-first). */
  undo: (() => void)[];
}

export const processing = new AsyncLocalStorage<ProcessingContext>();
