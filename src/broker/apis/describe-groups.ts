// DescribeGroups (key 15), v0–5. State, protocol type and members of each
// group. As in Kafka, the chosen protocol and the members' metadata and
// assignments are reported only for a Stable group; an unknown group is
// described as Dead with no error. group.instance.id from v4; authorized
// operations (v3+) are not tracked (reported as unknown).
import { ApiKey } from '../protocol/apis.js';
import type { DescribeGroupsRequest } from '../protocol/messages/describe-groups-request.js';
import type { DescribeGroupsResponse } from '../protocol/messages/describe-groups-response.js';
import { OPS_UNKNOWN, type ApiHandler } from './types.js';

export const describeGroups: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { version } = ctx;
    return {
      throttleTimeMs: 0,
      groups: ctx.broker.groups.describeGroups(req.groups).map((g) => ({
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
        authorizedOperations: OPS_UNKNOWN,
      })),
    };
  },
};
