// SyncGroup (key 14), v0–5. The leader sends every member's assignment; each
// member's request parks until the leader's arrives and is answered with its
// own assignment (members the leader left out get an empty one). In a Stable
// group the current assignment is answered at once. v3+ carries
// group.instance.id; v5+ the protocol type/name, which must match the group's
// (INCONSISTENT_GROUP_PROTOCOL) and are echoed back.
// ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { SyncGroupRequest } from '../protocol/messages/sync-group-request.js';
import type { SyncGroupResponse } from '../protocol/messages/sync-group-response.js';
import { AclOperation } from '../acl/types.js';
import { onGroup } from './authorize.js';
import type { ApiHandler } from './types.js';

export const syncGroup: ApiHandler<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    const { version } = ctx;
    if (!onGroup(ctx, AclOperation.READ, req.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    const result = await ctx.broker.groups.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: version >= 3 ? req.groupInstanceId : null,
      protocolType: version >= 5 ? req.protocolType : null,
      protocolName: version >= 5 ? req.protocolName : null,
      assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: version >= 5 ? result.protocolType : null,
      protocolName: version >= 5 ? result.protocolName : null,
      assignment: result.assignment,
    };
  },
};
