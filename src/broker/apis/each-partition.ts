// The walk most partition-level requests make: for every named topic and
// partition, the partition if this broker has it, and the answer built for it,
// grouped back under the topic's name in request order. A topic the caller may
// not touch (`allowed` false) gets `denied` for each partition instead.
import type { Partition } from '../topics/partition.js';
import type { TopicManager } from '../topics/topic-manager.js';

export function eachPartition<P extends { partitionIndex: number }, R>(
  topics: TopicManager,
  requested: readonly { name: string; partitions: readonly P[] }[],
  answer: (p: P, partition: Partition | undefined) => R,
  acl?: { allowed: (topic: string) => boolean; denied: (p: P) => R },
): { name: string; partitions: R[] }[] {
  return requested.map((t) => {
    if (acl && !acl.allowed(t.name)) return { name: t.name, partitions: t.partitions.map(acl.denied) };
    const topic = topics.get(t.name);
    return { name: t.name, partitions: t.partitions.map((p) => answer(p, topic?.partitions[p.partitionIndex])) };
  });
}
