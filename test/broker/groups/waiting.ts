// Waiting without sleeps: conditions are re-checked when something happens
// (a client event, an IPC message, an append to __consumer_offsets), never on
// a timer. The timeout only turns a hang into a readable failure.
import type { Broker } from '../../../src/broker/broker.js';
import { OFFSETS_TOPIC } from '../../../src/broker/groups/offset-records.js';

export class Signal {
  private readonly waiters = new Set<() => void>();

  /** Something changed: re-check every pending condition. */
  notify = (): void => {
    for (const w of [...this.waiters]) w();
  };

  /** Resolves once `cond()` holds, checking now and after every notify(). */
  until(cond: () => boolean, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        let ok = false;
        try {
          ok = cond();
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (ok) {
          cleanup();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }
}

/** Resolves once `cond()` holds, re-checked after every append to __consumer_offsets (commits, rebalances). */
export function untilOffsetsWrite(broker: Broker, cond: () => boolean, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const partitions = broker.topics.get(OFFSETS_TOPIC)!.partitions;
  const signal = new Signal();
  const cancels: (() => void)[] = [];
  const arm = () => {
    for (const c of cancels.splice(0)) c();
    for (const p of partitions) {
      cancels.push(p.onAppend(() => {
        // Appends are applied synchronously; re-arm, then look.
        arm();
        signal.notify();
      }));
    }
  };
  arm();
  return signal.until(cond, what, timeoutMs).finally(() => {
    for (const c of cancels.splice(0)) c();
  });
}

/** Waits until the group's committed offsets for `topic` reach every partition's high watermark. */
export function untilFullyCommitted(broker: Broker, groupId: string, topic: string, timeoutMs = 30_000): Promise<void> {
  const all = broker.topics.get(topic)!.partitions.map((p) => p.index);
  return untilCommitted(broker, groupId, topic, all, timeoutMs);
}

/** Waits until the group's committed offsets reach the high watermark on these partitions of `topic`. */
export function untilCommitted(broker: Broker, groupId: string, topic: string, partitions: number[], timeoutMs = 30_000): Promise<void> {
  const done = () => {
    const committed = broker.groups.committedOffsets(groupId, topic);
    const ends = broker.topics.get(topic)!.partitions.map((p) => p.highWatermark);
    return partitions.every((p) => committed[p] === ends[p]);
  };
  return untilOffsetsWrite(broker, done, () => `group ${groupId} to commit ${topic} partitions ${partitions} (has ${JSON.stringify(broker.groups.committedOffsets(groupId, topic))})`, timeoutMs);
}
