// The consumer group views: the list with lag, one group's members,
// assignment and per-partition lag in messages and in time (the age of the
// oldest unconsumed record, read at the committed offset), its lag over the
// last hour (sampler.ts); and resetting an idle group's offsets to the
// earliest, the latest, or a time.
import { HttpError } from '../../http/errors.js';
import { readRange } from '../../stream/partition-reader.js';
import type { Console } from './console.js';
import { offsetsForTime, timeParam } from './messages.js';
import { groupLag, type ClusterSnapshot, type GroupState } from './snapshot.js';
import { kafkaHttpError } from './topics.js';
import type { GroupDetail, GroupPartitionLag, GroupSummary, ResetOffsetsRequest } from './types.js';

function topicsOf(g: GroupState): string[] {
  const names = new Set<string>(g.committed.keys());
  for (const m of g.members) for (const a of m.assignment) names.add(a.topic);
  return [...names].sort();
}

function summary(snapshot: ClusterSnapshot, g: GroupState): GroupSummary {
  return {
    group: g.group,
    state: g.state,
    protocolType: g.protocolType,
    protocol: g.protocol,
    members: g.members.length,
    topics: topicsOf(g),
    lag: groupLag(snapshot, g),
  };
}

export async function groupList(c: Console): Promise<GroupSummary[]> {
  const snapshot = await c.sampler.current();
  return [...snapshot.groups.values()].map((g) => summary(snapshot, g)).sort((a, b) => a.group.localeCompare(b.group));
}

async function findGroup(c: Console, id: string, maxAgeMs = 250): Promise<{ snapshot: ClusterSnapshot; group: GroupState }> {
  const snapshot = await c.sampler.current(maxAgeMs);
  const group = snapshot.groups.get(id);
  if (!group || (group.state === 'Dead' && group.committed.size === 0)) throw new HttpError(404, `group ${id} does not exist`, 'params.group');
  return { snapshot, group };
}

export async function groupDetail(c: Console, id: string): Promise<GroupDetail> {
  const { snapshot, group } = await findGroup(c, id);
  const owner = new Map<string, string>();
  const partitions = new Map<string, Set<number>>();
  const add = (topic: string, p: number) => (partitions.get(topic) ?? partitions.set(topic, new Set()).get(topic)!).add(p);
  for (const m of group.members) for (const a of m.assignment) for (const p of a.partitions) {
    owner.set(`${a.topic}:${p}`, m.memberId);
    add(a.topic, p);
  }
  for (const [topic, parts] of group.committed) for (const p of parts.keys()) add(topic, p);

  const offsets: GroupPartitionLag[] = [];
  await Promise.all(
    [...partitions].flatMap(([topic, parts]) =>
      [...parts].map(async (partition) => {
        const t = snapshot.topics.get(topic);
        const p = t?.partitions[partition];
        const committed = group.committed.get(topic)?.get(partition) ?? -1;
        const endOffset = p?.end ?? 0;
        const lag = committed >= 0 ? Math.max(0, endOffset - committed) : 0;
        let lagMs: number | null = lag === 0 ? 0 : null;
        if (lag > 0 && t && p) lagMs = await oldestUnconsumedAge(c, t.name, t.id, p.leader, partition, Math.max(committed, p.start), endOffset, snapshot.at);
        offsets.push({ topic, partition, committed, endOffset, lag, lagMs, memberId: owner.get(`${topic}:${partition}`) ?? null });
      }),
    ),
  );
  offsets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const ages = offsets.map((o) => o.lagMs).filter((x): x is number => x !== null);
  return {
    ...summary(snapshot, group),
    membersInfo: group.members,
    offsets,
    maxLagMs: ages.length > 0 ? Math.max(...ages) : offsets.length > 0 ? null : 0,
    lagHistory: c.sampler.lagHistory(id),
  };
}

/** How old the first record after the committed offset is, in ms (null when it cannot be read). */
async function oldestUnconsumedAge(c: Console, topic: string, topicId: string, leader: number, partition: number, from: number, end: number, now: number): Promise<number | null> {
  let timestamp: number | undefined;
  try {
    await readRange(c.consumer, { topic, topicId, leader, partition, from: BigInt(from), end: BigInt(end) }, (r) => {
      timestamp = Number(r.timestamp);
      return false;
    }, 64 << 10);
  } catch {
    return null;
  }
  return timestamp === undefined || timestamp < 0 ? null : Math.max(0, now - timestamp);
}

const RESETTABLE = new Set(['Empty', 'Dead']);

export async function resetOffsets(c: Console, id: string, request: ResetOffsetsRequest): Promise<GroupDetail> {
  const { snapshot, group } = await findGroup(c, id, 0);
  if (!RESETTABLE.has(group.state)) {
    throw new HttpError(409, `group ${id} is ${group.state}: offsets can be reset only when it is Empty (stop its ${group.members.length} member(s) first)`, 'params.group');
  }
  const topics = request.topic !== undefined ? [request.topic] : [...group.committed.keys()];
  if (topics.length === 0) throw new HttpError(400, `group ${id} has committed no offsets; name a topic`, 'body.topic');
  let time: number | undefined;
  if (request.to === 'time') {
    if (request.time === undefined) throw new HttpError(400, 'to=time needs a time (unix ms or ISO 8601)', 'body.time');
    time = timeParam(request.time, 'body.time');
  }
  const alter: { name: string; partitionOffsets: { partition: number; offset: bigint }[] }[] = [];
  for (const name of topics) {
    const t = snapshot.topics.get(name);
    if (!t) throw new HttpError(404, `topic ${name} does not exist`, request.topic !== undefined ? 'body.topic' : 'params.group');
    const parts = t.partitions.map((p) => p.partition);
    const targets =
      request.to === 'earliest'
        ? new Map(t.partitions.map((p) => [p.partition, p.start]))
        : request.to === 'latest'
          ? new Map(t.partitions.map((p) => [p.partition, p.end]))
          : await offsetsForTime(c, t, parts, time!);
    alter.push({ name, partitionOffsets: parts.map((p) => ({ partition: p, offset: BigInt(targets.get(p)!) })) });
  }
  try {
    await c.admin.alterConsumerGroupOffsets({ groupId: id, topics: alter });
  } catch (err) {
    throw kafkaHttpError(err, 'params.group');
  }
  c.sampler.invalidate();
  return groupDetail(c, id);
}
