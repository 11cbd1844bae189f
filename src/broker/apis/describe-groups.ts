// DescribeGroups (key 15), v0–5. State, protocol type and members of each
// group. As in Kafka, the chosen protocol and the members' metadata and
// assignments are reported only for a Stable group; an unknown group is
// described as Dead with no error. group.instance.id from v4.
// ACLs: DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED; authorized
// operations (v3+) when asked and an authorizer runs (else unknown).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribedGroup } from '../groups/types.js';
import type { DescribeGroupsRequest } from '../protocol/messages/describe-groups-request.js';
import type { DescribeGroupsResponse } from '../protocol/messages/describe-groups-response.js';
import { AclOperation, ResourceType } from '../acl/types.js';
import { authorizedOperations, onGroup } from './authorize.js';
import { OPS_UNKNOWN, type ApiHandler, type RequestContext } from './types.js';

export const describeGroups: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { version } = ctx;
    return {
      throttleTimeMs: 0,
      groups: describeAllowed(req.groups, ctx).map((g) => ({
        errorCode: g.errorCode,
        groupId: g.groupId,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocolName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: version >= 4 ? m.groupInstanceId : null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: authorizedOperations(ctx, req.includeAuthorizedOperations, ResourceType.GROUP, g.groupId, OPS_UNKNOWN),
      })),
    };
  },
};

/** The groups described, those the caller may not DESCRIBE answered with GROUP_AUTHORIZATION_FAILED, in request order. */
function describeAllowed(groupIds: string[], ctx: RequestContext): DescribedGroup[] {
  const allowed = groupIds.filter((g) => onGroup(ctx, AclOperation.DESCRIBE, g));
  const described = new Map(ctx.broker.groups.describeGroups(allowed).map((g) => [g.groupId, g]));
  return groupIds.map((groupId) => described.get(groupId) ?? {
    groupId,
    errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
    state: '',
    protocolType: '',
    protocolName: '',
    members: [],
  });
}
