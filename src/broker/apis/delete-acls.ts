// DeleteAcls (key 31), v0–3: removes what each filter selects and answers, per
// filter, the ACLs it removed. v0 filters LITERAL patterns only. As Kafka: no
// authorizer gives every filter SECURITY_DISABLED; the caller needs ALTER on the
// cluster; a filter with an UNKNOWN value gets INVALID_REQUEST (the others run).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DeleteAclsRequest } from '../protocol/messages/delete-acls-request.js';
import type { DeleteAclsResponse, DeleteAclsFilterResult } from '../protocol/messages/delete-acls-response.js';
import { AclOperation, type AclBindingFilter } from '../acl/types.js';
import { invalidFilter } from '../acl/validate.js';
import { onCluster } from './authorize.js';
import type { ApiHandler } from './types.js';

export const deleteAcls: ApiHandler<DeleteAclsRequest, DeleteAclsResponse> = {
  apiKey: ApiKey.DeleteAcls,
  name: 'DeleteAcls',
  minVersion: 0,
  maxVersion: 3,
  handle(req, ctx) {
    const { authorizer } = ctx.broker;
    const all = (errorCode: number, errorMessage: string): DeleteAclsResponse => ({
      throttleTimeMs: 0,
      filterResults: req.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    if (!authorizer.enabled) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!onCluster(ctx, AclOperation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    const filters: AclBindingFilter[] = req.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: f.patternTypeFilter,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    }));
    const invalid = filters.map(invalidFilter);
    const removed = authorizer.store.remove(filters.filter((_, i) => invalid[i] === undefined));
    let next = 0;
    const filterResults: DeleteAclsFilterResult[] = filters.map((_, i) => {
      const why = invalid[i];
      if (why !== undefined) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why, matchingAcls: [] };
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: removed[next++]!.map((a) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...a })),
      };
    });
    return { throttleTimeMs: 0, filterResults };
  },
};
