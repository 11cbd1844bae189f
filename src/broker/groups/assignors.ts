// Server-side assignors of the consumer group protocol (KIP-848): given each
// member's subscribed topics and the partition counts, the target assignment.
// `uniform` balances all partitions across members (within one when every
// member subscribes to the same topics) and keeps each member's current
// partitions where it can, so a rebalance moves as few as possible; `range`
// splits each topic's partitions into contiguous ranges, members in id order,
// as the classic RangeAssignor does.

/** topic -> partitions; plain data, sorted partition lists. */
export type TopicAssignment = Map<string, number[]>;

export interface AssignorMember {
  memberId: string;
  /** Topic names the member subscribes to (already resolved from any regex). */
  topics: readonly string[];
  /** Its current target, for stickiness (uniform). */
  current?: TopicAssignment;
}

export interface Assignor {
  readonly name: string;
  /** `partitionCounts`: topic -> number of partitions, for the existing subscribed topics. */
  assign(members: readonly AssignorMember[], partitionCounts: ReadonlyMap<string, number>): Map<string, TopicAssignment>;
}

function emptyResult(members: readonly AssignorMember[]): Map<string, TopicAssignment> {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function add(a: TopicAssignment, topic: string, partition: number): void {
  const list = a.get(topic);
  if (list) list.push(partition);
  else a.set(topic, [partition]);
}

function sortLists(result: Map<string, TopicAssignment>): Map<string, TopicAssignment> {
  for (const a of result.values()) for (const list of a.values()) list.sort((x, y) => x - y);
  return result;
}

const byId = (a: AssignorMember, b: AssignorMember) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

export const uniformAssignor: Assignor = {
  name: 'uniform',
  assign(members, partitionCounts) {
    const result = emptyResult(members);
    const sorted = [...members].sort(byId);
    const subscribers = new Map<string, AssignorMember[]>();
    for (const m of sorted) {
      for (const t of new Set(m.topics)) {
        if (!partitionCounts.has(t)) continue;
        const list = subscribers.get(t);
        if (list) list.push(m);
        else subscribers.set(t, [m]);
      }
    }
    const total = [...subscribers.keys()].reduce((n, t) => n + partitionCounts.get(t)!, 0);
    if (sorted.length === 0 || total === 0) return result;
    const quota = Math.floor(total / sorted.length);
    let extraSlots = total % sorted.length;
    const counts = new Map(sorted.map((m) => [m.memberId, 0]));
    const taken = new Set<string>();
    const key = (t: string, p: number) => `${p}\u0000${t}`;
    // 1. Stickiness: each member keeps up to its quota of what it has (one more while extra slots last).
    const overflow = new Map<string, [string, number][]>();
    for (const m of sorted) {
      const kept: [string, number][] = [];
      for (const [t, parts] of m.current ?? []) {
        const count = partitionCounts.get(t);
        if (count === undefined || !m.topics.includes(t)) continue;
        for (const p of parts) if (p < count && !taken.has(key(t, p))) kept.push([t, p]);
      }
      const mine = result.get(m.memberId)!;
      for (const [t, p] of kept.slice(0, quota)) {
        add(mine, t, p);
        taken.add(key(t, p));
      }
      counts.set(m.memberId, Math.min(kept.length, quota));
      overflow.set(m.memberId, kept.slice(quota));
    }
    for (const m of sorted) {
      const extra = overflow.get(m.memberId)!.find(([t, p]) => !taken.has(key(t, p)));
      if (extra && extraSlots > 0) {
        add(result.get(m.memberId)!, extra[0], extra[1]);
        taken.add(key(extra[0], extra[1]));
        counts.set(m.memberId, counts.get(m.memberId)! + 1);
        extraSlots--;
      }
    }
    // 2. The rest, partition by partition (round-robin over topics), to the least loaded subscriber.
    for (const [t, subs] of [...subscribers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (let p = 0; p < partitionCounts.get(t)!; p++) {
        if (taken.has(key(t, p))) continue;
        let best = subs[0]!;
        for (const s of subs) if (counts.get(s.memberId)! < counts.get(best.memberId)!) best = s;
        add(result.get(best.memberId)!, t, p);
        taken.add(key(t, p));
        counts.set(best.memberId, counts.get(best.memberId)! + 1);
      }
    }
    return sortLists(result);
  },
};

export const rangeAssignor: Assignor = {
  name: 'range',
  assign(members, partitionCounts) {
    const result = emptyResult(members);
    const sorted = [...members].sort(byId);
    for (const [t, count] of partitionCounts) {
      const subs = sorted.filter((m) => m.topics.includes(t));
      if (subs.length === 0) continue;
      const per = Math.floor(count / subs.length);
      const extra = count % subs.length;
      let next = 0;
      subs.forEach((m, i) => {
        const n = per + (i < extra ? 1 : 0);
        for (let k = 0; k < n; k++) add(result.get(m.memberId)!, t, next++);
      });
    }
    return sortLists(result);
  },
};

export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([uniformAssignor, rangeAssignor].map((a) => [a.name, a]));

/** Kafka's default for group.consumer.assignors: the first is used unless members ask for another. */
export const DEFAULT_ASSIGNORS = ['uniform', 'range'] as const;
