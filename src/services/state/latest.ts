// Keeps the latest state seen on the topic. Within a partition the log order
// decides; across partitions the record timestamp does (ties: the later arrival),
// since partitions are read concurrently and carry no order between them.
import type { StateMessage } from './schemas.js';

interface Position {
  partition: number;
  offset: bigint;
  timestamp: bigint;
}

export class LatestState {
  private current: { message: StateMessage; at: Position } | undefined;

  get state(): number {
    return this.current?.message.state ?? 0;
  }

  get message(): StateMessage | undefined {
    return this.current?.message;
  }

  /** Takes a record if it is newer than the current one; says whether it did. */
  offer(message: StateMessage, at: Position): boolean {
    const cur = this.current?.at;
    const newer = !cur || (at.partition === cur.partition ? at.offset > cur.offset : at.timestamp >= cur.timestamp);
    if (newer) this.current = { message, at };
    return newer;
  }
}
