// DeleteGroups (key 42), v0–2. Deletes Empty groups with their committed
// offsets (tombstones in __consumer_offsets). A group with members answers
// NON_EMPTY_GROUP; an unknown one GROUP_ID_NOT_FOUND.
// ACLs: DELETE on each group, else GROUP_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DeleteGroupsRequest } from '../protocol/messages/delete-groups-request.js';
import type { DeleteGroupsResponse } from '../protocol/messages/delete-groups-response.js';
import { AclOperation } from '../acl/types.js';
import { onGroup } from './authorize.js';
import type { ApiHandler } from './types.js';

export const deleteGroups: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const allowed = req.groupsNames.filter((g) => onGroup(ctx, AclOperation.DELETE, g));
    const deleted = new Map((await ctx.broker.groups.deleteGroups(allowed)).map((r) => [r.groupId, r]));
    const results = req.groupsNames.map((groupId) => deleted.get(groupId) ?? { groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    return { throttleTimeMs: 0, results };
  },
};
