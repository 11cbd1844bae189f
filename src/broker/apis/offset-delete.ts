// OffsetDelete (key 47), v0. Removes a group's committed offsets for some
// partitions (tombstones in __consumer_offsets). The group must exist
// (GROUP_ID_NOT_FOUND); a group with members must use the consumer protocol
// (else NON_EMPTY_GROUP) and may not drop offsets of a topic it is subscribed
// to (GROUP_SUBSCRIBED_TO_TOPIC, per partition). Unknown partitions answer
// UNKNOWN_TOPIC_OR_PARTITION.
// ACLs: DELETE on the group (else GROUP_AUTHORIZATION_FAILED) and READ on each
// topic (else its partitions TOPIC_AUTHORIZATION_FAILED).
import { ApiKey } from '../protocol/apis.js';
import type { OffsetDeleteRequest } from '../protocol/messages/offset-delete-request.js';
import type { OffsetDeleteResponse } from '../protocol/messages/offset-delete-response.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { AclOperation } from '../acl/types.js';
import { onGroup, onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

export const offsetDelete: ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> = {
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  async handle(req, ctx) {
    if (!onGroup(ctx, AclOperation.DELETE, req.groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    const denied = new Set(req.topics.filter((t) => !onTopic(ctx, AclOperation.READ, t.name)).map((t) => t.name));
    const result = await ctx.broker.groups.deleteOffsets(
      req.groupId,
      req.topics.filter((t) => !denied.has(t.name)).map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })),
    );
    const errors = new Map(result.partitions.map((p) => [`${p.topic}\u0000${p.partition}`, p.errorCode]));
    return {
      errorCode: result.errorCode,
      throttleTimeMs: 0,
      topics: result.errorCode !== 0 ? [] : req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: denied.has(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : (errors.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0) })),
      })),
    };
  },
};
