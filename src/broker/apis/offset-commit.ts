// OffsetCommit (key 8), v0–9. Stores a group's offsets in __consumer_offsets
// and answers once they are flushed. v0 carries no member or generation: it
// is accepted only for a group nobody is in; v1+ members are checked
// (UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS while the
// group awaits its assignment, FENCED_INSTANCE_ID for a replaced static
// member, v7+); generation -1 from outside group management is accepted for an
// Empty or unknown group ("simple" groups). Unknown partitions answer
// UNKNOWN_TOPIC_OR_PARTITION; metadata over 4096 characters
// OFFSET_METADATA_TOO_LARGE. v9 answers GROUP_ID_NOT_FOUND for an unknown group
// with a generation (older versions ILLEGAL_GENERATION). The v1 commit
// timestamp and v2–4 retention time are ignored: offsets do not expire.
// ACLs: READ on the group (else every partition GROUP_AUTHORIZATION_FAILED) and
// READ on each topic (else its partitions TOPIC_AUTHORIZATION_FAILED; the others
// are committed).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { OffsetCommitRequest } from '../protocol/messages/offset-commit-request.js';
import type { OffsetCommitResponse } from '../protocol/messages/offset-commit-response.js';
import type { OffsetCommitEntry } from '../groups/types.js';
import { AclOperation } from '../acl/types.js';
import { onGroup, onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

export const offsetCommit: ApiHandler<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  async handle(req, ctx) {
    const { version } = ctx;
    const respond = (code: (topic: string) => number) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(t.name) })) })),
    });
    if (!onGroup(ctx, AclOperation.READ, req.groupId)) return respond(() => ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const denied = new Set(req.topics.filter((t) => !onTopic(ctx, AclOperation.READ, t.name)).map((t) => t.name));
    const entries: OffsetCommitEntry[] = [];
    for (const t of req.topics) {
      if (denied.has(t.name)) continue;
      for (const p of t.partitions) {
        entries.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: Number(p.committedOffset),
          leaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
          metadata: p.committedMetadata,
        });
      }
    }
    const identity = {
      generationId: version >= 1 ? req.generationIdOrMemberEpoch : -1,
      memberId: version >= 1 ? req.memberId : '',
      groupInstanceId: version >= 7 ? req.groupInstanceId : null,
    };
    const results = await ctx.broker.groups.commitOffsets(req.groupId, identity, entries, version);
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: denied.has(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : results[i++]!.errorCode,
        })),
      })),
    };
  },
};
