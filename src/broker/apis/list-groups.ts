// ListGroups (key 16), v0–5. Every group this coordinator knows (all of them:
// one broker), with its protocol type; its state from v4, which may also
// filter by state (case-insensitive); its type from v5 ("classic", or
// "consumer" for groups of the consumer group protocol), which may filter by type.
// ACLs: DESCRIBE on the cluster lists every group; otherwise only the groups
// the caller may DESCRIBE.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ListGroupsRequest } from '../protocol/messages/list-groups-request.js';
import type { ListGroupsResponse } from '../protocol/messages/list-groups-response.js';
import { AclOperation } from '../acl/types.js';
import { onCluster, onGroup } from './authorize.js';
import type { ApiHandler } from './types.js';

export const listGroups: ApiHandler<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  handle(req, ctx) {
    const { version } = ctx;
    const all = onCluster(ctx, AclOperation.DESCRIBE);
    const groups = ctx.broker.groups
      .listGroups(version >= 4 ? req.statesFilter : [], version >= 5 ? req.typesFilter : [])
      .filter((g) => all || onGroup(ctx, AclOperation.DESCRIBE, g.groupId));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: groups.map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        groupState: version >= 4 ? g.state : '',
        groupType: version >= 5 ? g.groupType : '',
      })),
    };
  },
};
