// Heartbeat (key 12), v0–4. Keeps a member's session alive. Answers, as Kafka
// does: UNKNOWN_MEMBER_ID (no such group or member), FENCED_INSTANCE_ID (a
// static instance now owned by another member id, v3+), ILLEGAL_GENERATION
// (stale generation), REBALANCE_IN_PROGRESS (rejoin now), else NONE — also
// while the group awaits the leader's assignment.
// ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { HeartbeatRequest } from '../protocol/messages/heartbeat-request.js';
import type { HeartbeatResponse } from '../protocol/messages/heartbeat-response.js';
import { AclOperation } from '../acl/types.js';
import { onGroup } from './authorize.js';
import type { ApiHandler } from './types.js';

export const heartbeat: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    if (!onGroup(ctx, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const errorCode = ctx.broker.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: ctx.version >= 3 ? req.groupInstanceId : null,
    });
    return { throttleTimeMs: 0, errorCode };
  },
};
