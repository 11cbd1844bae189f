// OffsetFetch (key 9), v0–9. A group's committed offsets; partitions without
// one answer offset -1 (unknown topics included). Topics null (v2+) means every
// committed offset of the group. Leader epochs from v5; v7 RequireStable
// answers UNSTABLE_OFFSET_COMMIT for partitions with a pending transactional
// offset; v8+ asks for several groups at once (each with its own topics or
// null). v9's member id/epoch belong to the new consumer protocol and are
// ignored. v0 (once ZooKeeper-backed) reads the same offsets.
// ACLs: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED) and on each
// topic: a named topic without it answers TOPIC_AUTHORIZATION_FAILED, and "every
// topic" leaves it out.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { OffsetFetchRequest } from '../protocol/messages/offset-fetch-request.js';
import type { OffsetFetchResponse } from '../protocol/messages/offset-fetch-response.js';
import type { FetchedOffset, OffsetFetchResult } from '../groups/types.js';
import { AclOperation } from '../acl/types.js';
import { onGroup, onTopic } from './authorize.js';
import type { RequestContext } from './types.js';
import type { ApiHandler } from './types.js';

interface TopicOffsets {
  name: string;
  partitions: { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number }[];
}

/** Regroups answers by topic, keeping the order they came in. */
function byTopic(offsets: FetchedOffset[], version: number): TopicOffsets[] {
  const topics = new Map<string, TopicOffsets>();
  for (const o of offsets) {
    let t = topics.get(o.topic);
    if (!t) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
    t.partitions.push({
      partitionIndex: o.partition,
      committedOffset: BigInt(o.offset),
      committedLeaderEpoch: version >= 5 ? o.leaderEpoch : -1,
      metadata: o.metadata,
      errorCode: o.errorCode,
    });
  }
  return [...topics.values()];
}

export const offsetFetch: ApiHandler<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  handle(req, ctx) {
    const { version } = ctx;
    const requireStable = version >= 7 && req.requireStable;
    const wanted = (topics: { name: string; partitionIndexes: number[] }[] | null) =>
      topics === null ? null : topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        topics: [],
        errorCode: ErrorCode.NONE,
        groups: req.groups.map((g) => {
          const result = fetchAllowed(ctx, g.groupId, wanted(g.topics), requireStable);
          return { groupId: g.groupId, topics: byTopic(result.offsets, version), errorCode: result.errorCode };
        }),
      };
    }
    // v0–1 cannot ask for "all topics"; a null there is treated as none.
    const topics = version >= 2 ? wanted(req.topics) : (wanted(req.topics) ?? []);
    const result = fetchAllowed(ctx, req.groupId, topics, requireStable);
    const answered = byTopic(result.offsets, version);
    if (version < 2 && result.errorCode !== ErrorCode.NONE) {
      // No top-level error field before v2: every partition carries it.
      for (const t of answered) for (const p of t.partitions) p.errorCode = result.errorCode;
    }
    return { throttleTimeMs: 0, topics: answered, errorCode: version >= 2 ? result.errorCode : ErrorCode.NONE, groups: [] };
  },
};

/** The group's offsets the caller may see (see the ACL rules above). */
function fetchAllowed(ctx: RequestContext, groupId: string, topics: { topic: string; partitions: number[] }[] | null, requireStable: boolean): OffsetFetchResult {
  if (!onGroup(ctx, AclOperation.DESCRIBE, groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, offsets: [] };
  const allowed = (topic: string) => onTopic(ctx, AclOperation.DESCRIBE, topic);
  if (topics === null) {
    const result = ctx.broker.groups.fetchOffsets(groupId, null, requireStable);
    return { ...result, offsets: result.offsets.filter((o) => allowed(o.topic)) };
  }
  const result = ctx.broker.groups.fetchOffsets(groupId, topics.filter((t) => allowed(t.topic)), requireStable);
  const fetched = new Map(result.offsets.map((o) => [`${o.topic}\u0000${o.partition}`, o]));
  // In request order, the denied topics' partitions in their place.
  const offsets = topics.flatMap((t) =>
    t.partitions.flatMap((partition): FetchedOffset[] => {
      if (!allowed(t.topic)) return [{ topic: t.topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED }];
      const o = fetched.get(`${t.topic}\u0000${partition}`);
      return o ? [o] : [];
    }),
  );
  return { errorCode: result.errorCode, offsets };
}
