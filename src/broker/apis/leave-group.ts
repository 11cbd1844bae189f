// LeaveGroup (key 13), v0–5. v0–2 remove one member (its error is the
// top-level error); v3+ remove a batch, each by member id or — with an empty
// member id — by group.instance.id alone, each with its own error code
// (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID). Leaving triggers a rebalance.
// ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { LeaveGroupRequest } from '../protocol/messages/leave-group-request.js';
import type { LeaveGroupResponse } from '../protocol/messages/leave-group-response.js';
import { AclOperation } from '../acl/types.js';
import { onGroup } from './authorize.js';
import type { ApiHandler } from './types.js';

export const leaveGroup: ApiHandler<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { version } = ctx;
    if (!onGroup(ctx, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const members = version >= 3
      ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: version >= 5 ? m.reason : null }))
      : [{ memberId: req.memberId, groupInstanceId: null }];
    const result = ctx.broker.groups.leaveGroup(req.groupId, members);
    if (version < 3) {
      const own = result.members[0]?.errorCode ?? ErrorCode.NONE;
      return { throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : own, members: [] };
    }
    return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
  },
};
