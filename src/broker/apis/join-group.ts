// JoinGroup (key 11), v0–9. Parks until the group's join phase completes
// (everyone rejoined, the rebalance timeout, or a new group's initial delay),
// then answers the generation, the chosen protocol, the leader, and — to the
// leader only — every member's metadata. From v4 a member without an id first
// gets one with MEMBER_ID_REQUIRED and must rejoin with it. v0 has no
// rebalance timeout (the session timeout is used); group.instance.id from v5;
// ProtocolType answered from v7 (ProtocolName nullable from v7); v9 may tell a
// rejoining static leader to skip the assignment.
// ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { JoinGroupRequest } from '../protocol/messages/join-group-request.js';
import type { JoinGroupResponse } from '../protocol/messages/join-group-response.js';
import { AclOperation } from '../acl/types.js';
import { onGroup } from './authorize.js';
import type { ApiHandler } from './types.js';

export const joinGroup: ApiHandler<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  async handle(req, ctx) {
    const { version } = ctx;
    if (!onGroup(ctx, AclOperation.READ, req.groupId)) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        generationId: -1,
        protocolType: null,
        protocolName: version >= 7 ? null : '',
        leader: '',
        skipAssignment: false,
        memberId: req.memberId,
        members: [],
      };
    }
    const result = await ctx.broker.groups.joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: version >= 5 ? req.groupInstanceId : null,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: version >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      clientId: ctx.clientId ?? '',
      clientHost: `/${ctx.connection.remoteAddress}`,
      requireKnownMemberId: version >= 4,
      supportsSkipAssignment: version >= 9,
      reason: version >= 8 ? req.reason : null,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: version >= 7 ? result.protocolType : null,
      protocolName: version >= 7 ? result.protocolName : (result.protocolName ?? ''),
      leader: result.leader,
      skipAssignment: version >= 9 ? result.skipAssignment : false,
      memberId: result.memberId,
      members: result.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: version >= 5 ? m.groupInstanceId : null,
        metadata: m.metadata,
      })),
    };
  },
};
