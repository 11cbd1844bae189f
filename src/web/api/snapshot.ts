// One look at the cluster, as the console's views need it: brokers, every
// topic's partitions with their start and end offsets, every consumer group
// with its state, members and committed offsets. Taken with a handful of admin
// requests (metadata, two ListOffsets, ListGroups, DescribeGroups, OffsetFetch)
// whatever the number of topics, and shared by every view (sampler.ts).
import type { KafkaAdmin } from '../../stream/kafka.js';

export interface PartitionState {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  start: number;
  end: number;
  /** Bytes on disk (summed over replicas' log dirs), null when the cluster does not say. */
  size: number | null;
}

export interface TopicState {
  name: string;
  id: string;
  internal: boolean;
  partitions: PartitionState[];
}

export interface MemberState {
  memberId: string;
  clientId: string;
  host: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface GroupState {
  group: string;
  /** As Kafka names it: Empty, Stable, PreparingRebalance, CompletingRebalance, Dead. */
  state: string;
  protocolType: string;
  protocol: string;
  members: MemberState[];
  /** topic → partition → committed offset (only partitions with a commit). */
  committed: Map<string, Map<number, number>>;
}

export interface ClusterSnapshot {
  /** Unix ms when it was taken. */
  at: number;
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number }[];
  topics: Map<string, TopicState>;
  groups: Map<string, GroupState>;
}

/** EMPTY → Empty, PREPARING_REBALANCE → PreparingRebalance: the names Kafka's tools print. */
export function groupStateName(state: string): string {
  return state
    .toLowerCase()
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}

/** Topics Kafka and Tributary keep for themselves. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__') || name === '_schemas';
}

export async function takeSnapshot(admin: KafkaAdmin, now = Date.now): Promise<ClusterSnapshot> {
  const names = await admin.listTopics({ includeInternals: true });
  const meta = await admin.metadata({ topics: names, forceUpdate: true });
  const topics = new Map<string, TopicState>();
  for (const [name, t] of meta.topics) {
    if (!t) continue; // the client leaves out what it did not get (internal topics among them)
    topics.set(name, {
      name,
      id: t.id,
      internal: isInternalTopic(name),
      partitions: t.partitions.map((p, partition) => ({ partition, leader: p.leader, replicas: p.replicas, isr: p.isr, start: 0, end: 0, size: null })),
    });
  }
  const request = [...topics.values()].filter((t) => t.partitions.length > 0).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, timestamp: -1n })) }));
  if (request.length > 0) {
    const [ends, starts] = await Promise.all([
      admin.listOffsets({ topics: request }),
      admin.listOffsets({ topics: request.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, timestamp: -2n })) })) }),
    ]);
    for (const t of ends) for (const p of t.partitions) {
      const part = topics.get(t.name)?.partitions[p.partitionIndex];
      if (part) part.end = Number(p.offset);
    }
    for (const t of starts) for (const p of t.partitions) {
      const part = topics.get(t.name)?.partitions[p.partitionIndex];
      if (part) part.start = Number(p.offset);
    }
  }

  await addSizes(admin, topics);

  const groups = new Map<string, GroupState>();
  const listed = [...(await admin.listGroups()).values()];
  if (listed.length > 0) {
    const ids = listed.map((g) => g.id);
    const [described, offsets] = await Promise.all([admin.describeGroups({ groups: ids }), admin.listConsumerGroupOffsets({ groups: ids })]);
    for (const g of listed) {
      const d = described.get(g.id);
      groups.set(g.id, {
        group: g.id,
        state: groupStateName(d?.state ?? g.state),
        protocolType: d?.protocolType || g.protocolType || '',
        protocol: d?.protocol ?? '',
        members: [...(d?.members.values() ?? [])].map((m) => ({
          memberId: m.id,
          clientId: m.clientId,
          host: m.clientHost,
          assignment: [...(m.assignments?.values() ?? [])].map((a) => ({ topic: a.topic, partitions: [...a.partitions] })),
        })),
        committed: new Map(),
      });
    }
    for (const o of offsets) {
      const g = groups.get(o.groupId);
      if (!g) continue;
      for (const t of o.topics) {
        for (const p of t.partitions) {
          if (p.committedOffset < 0n) continue;
          let m = g.committed.get(t.name);
          if (!m) g.committed.set(t.name, (m = new Map()));
          m.set(p.partitionIndex, Number(p.committedOffset));
        }
      }
    }
  }
  return {
    at: now(),
    clusterId: meta.id || null,
    controllerId: meta.controllerId,
    brokers: [...meta.brokers].map(([nodeId, b]) => ({ nodeId, host: b.host, port: b.port })).sort((a, b) => a.nodeId - b.nodeId),
    topics,
    groups,
  };
}

/** Partition sizes from DescribeLogDirs; left null when the cluster does not answer it. */
async function addSizes(admin: KafkaAdmin, topics: Map<string, TopicState>): Promise<void> {
  const request = [...topics.values()].filter((t) => t.partitions.length > 0).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) }));
  if (request.length === 0) return;
  let answers;
  try {
    answers = await admin.describeLogDirs({ topics: request });
  } catch {
    return;
  }
  for (const broker of answers) {
    for (const dir of broker.results) {
      for (const t of dir.topics) {
        for (const p of t.partitions) {
          const part = topics.get(t.name)?.partitions[p.partitionIndex];
          if (part) part.size = (part.size ?? 0) + Number(p.partitionSize);
        }
      }
    }
  }
}

/** Sum of end minus committed over the partitions the group committed on (of one topic, or all). */
export function groupLag(snapshot: ClusterSnapshot, group: GroupState, topic?: string): number {
  let lag = 0;
  for (const [name, parts] of group.committed) {
    if (topic !== undefined && name !== topic) continue;
    const t = snapshot.topics.get(name);
    if (!t) continue;
    for (const [p, c] of parts) lag += Math.max(0, (t.partitions[p]?.end ?? c) - c);
  }
  return lag;
}

/** Sum of the committed offsets of a group: how far it has read, for its consumption rate. */
export function groupPosition(group: GroupState, topic?: string): number {
  let n = 0;
  for (const [name, parts] of group.committed) if (topic === undefined || name === topic) for (const c of parts.values()) n += c;
  return n;
}

export function topicEnd(t: TopicState): number {
  return t.partitions.reduce((n, p) => n + p.end, 0);
}

export function topicStart(t: TopicState): number {
  return t.partitions.reduce((n, p) => n + p.start, 0);
}
