// DescribeAcls (key 29), v0–3: the ACLs one filter selects, grouped by resource
// pattern. v0 filters LITERAL patterns only; v1+ takes ANY, MATCH, LITERAL or
// PREFIXED. As Kafka: no authorizer is SECURITY_DISABLED; the caller needs
// DESCRIBE on the cluster; a filter with an UNKNOWN value is INVALID_REQUEST.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeAclsRequest } from '../protocol/messages/describe-acls-request.js';
import type { DescribeAclsResponse, DescribeAclsResource } from '../protocol/messages/describe-acls-response.js';
import { AclOperation, type AclBindingFilter } from '../acl/types.js';
import { invalidFilter } from '../acl/validate.js';
import { onCluster } from './authorize.js';
import type { ApiHandler } from './types.js';

export const describeAcls: ApiHandler<DescribeAclsRequest, DescribeAclsResponse> = {
  apiKey: ApiKey.DescribeAcls,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 3,
  handle(req, ctx) {
    const { authorizer } = ctx.broker;
    const error = (errorCode: number, errorMessage: string): DescribeAclsResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
    if (!authorizer.enabled) return error(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!onCluster(ctx, AclOperation.DESCRIBE)) return error(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    const filter: AclBindingFilter = {
      resourceType: req.resourceTypeFilter,
      resourceName: req.resourceNameFilter,
      patternType: req.patternTypeFilter,
      principal: req.principalFilter,
      host: req.hostFilter,
      operation: req.operation,
      permissionType: req.permissionType,
    };
    const invalid = invalidFilter(filter);
    if (invalid) return error(ErrorCode.INVALID_REQUEST, invalid);
    const byResource = new Map<string, DescribeAclsResource>();
    for (const acl of authorizer.store.list(filter)) {
      const key = `${acl.resourceType}\u0000${acl.patternType}\u0000${acl.resourceName}`;
      let resource = byResource.get(key);
      if (!resource) {
        resource = { resourceType: acl.resourceType, resourceName: acl.resourceName, patternType: acl.patternType, acls: [] };
        byResource.set(key, resource);
      }
      resource.acls.push({ principal: acl.principal, host: acl.host, operation: acl.operation, permissionType: acl.permissionType });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...byResource.values()] };
  },
};
