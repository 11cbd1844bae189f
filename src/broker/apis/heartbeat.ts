// Heartbeat (key 12), v0–4. Keeps a member's session alive. Answers, as Kafka
// does: UNKNOWN_MEMBER_ID (no such group or member), FENCED_INSTANCE_ID (a
// static instance now owned by another member id, v3+), ILLEGAL_GENERATION
// (stale generation), REBALANCE_IN_PROGRESS (rejoin now), else NONE — also
// while the group awaits the leader's assignment.
import { ApiKey } from '../protocol/apis.js';
import type { HeartbeatRequest } from '../protocol/messages/heartbeat-request.js';
import type { HeartbeatResponse } from '../protocol/messages/heartbeat-response.js';
import type { ApiHandler } from './types.js';

export const heartbeat: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const errorCode = ctx.broker.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: ctx.version >= 3 ? req.groupInstanceId : null,
    });
    return { throttleTimeMs: 0, errorCode };
  },
};
