// A count of the writes done to this process's PGlite databases, for answers
// cached until the data they were read from changes (GET /analytics). PGlite
// serves one process, so every write to it happens in one of this process's
// threads: the thread that owns it counts each statement that is not a SELECT
// (an INSERT, an UPDATE, a COMMIT…) as it completes, and tells the others on a
// BroadcastChannel; a thread reaching it through a MessagePort (remote-dialect.ts)
// also counts its own writes when their answer comes back. A reader notes the
// count before it reads; its answer holds while the count has not moved. A
// count that moves without a change (a rollback, another database) only costs
// a read. PostgreSQL is written by other processes too: nothing is counted there.
import { BroadcastChannel } from 'node:worker_threads';

const CHANNEL = 'tributary-pglite-writes';

let count = 0;
let channel: BroadcastChannel | undefined;

function open(): BroadcastChannel {
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = () => void count++;
    channel.unref(); // it must not keep a process alive
  }
  return channel;
}

/** Whether a statement's command (PGlite's `command`, upper-cased: 'SELECT', 'INSERT', 'COMMIT'…) may have changed data. */
export function isWrite(command: string | undefined): boolean {
  return command !== 'SELECT';
}

/** Counts a write here; `others`: also in the other threads (the thread that owns the database says so). */
export function countWrite(others: boolean): void {
  count++;
  if (others) open().postMessage(count);
}

/** The writes counted so far in this thread (from now on, the other threads' too). */
export function writeCount(): number {
  open();
  return count;
}
