// DeleteGroups (key 42), v0–2. Deletes Empty groups with their committed
// offsets (tombstones in __consumer_offsets). A group with members answers
// NON_EMPTY_GROUP; an unknown one GROUP_ID_NOT_FOUND.
import { ApiKey } from '../protocol/apis.js';
import type { DeleteGroupsRequest } from '../protocol/messages/delete-groups-request.js';
import type { DeleteGroupsResponse } from '../protocol/messages/delete-groups-response.js';
import type { ApiHandler } from './types.js';

export const deleteGroups: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  async handle(req, ctx) {
    const results = await ctx.broker.groups.deleteGroups(req.groupsNames);
    return { throttleTimeMs: 0, results };
  },
};
