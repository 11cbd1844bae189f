// Group waits on the one wait helper (src/stream/wait.ts): conditions are
// re-checked when something happens (a client event through a Signal, an
// append to __consumer_offsets), never on a timer.
import type { Broker } from '../../../src/broker/broker.js';
import { OFFSETS_TOPIC } from '../../../src/broker/groups/offset-records.js';
import { Signal, waitFor } from '../../../src/stream/wait.js';

export { Signal };

/** Resolves once `cond()` holds, re-checked after every append to __consumer_offsets (commits, rebalances). */
export function untilOffsetsWrite(broker: Broker, cond: () => boolean, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const partitions = broker.topics.get(OFFSETS_TOPIC)!.partitions;
  // Appends wake once and are applied synchronously: re-arm, then look.
  const onOffsetsWrite = (check: () => void) => {
    const cancels: (() => void)[] = [];
    const cancel = () => {
      for (const c of cancels.splice(0)) c();
    };
    const arm = () => {
      cancel();
      for (const p of partitions) cancels.push(p.onAppend(() => (arm(), check())));
    };
    arm();
    return cancel;
  };
  return waitFor(() => cond() || undefined, { what, timeout: timeoutMs, wake: onOffsetsWrite }).then(() => {});
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
