// CreateAcls (key 30), v0–3. v0 creates LITERAL ACLs only; v1+ names the pattern
// type (LITERAL or PREFIXED). As Kafka: with no authorizer every creation gets
// SECURITY_DISABLED; the caller needs ALTER on the cluster; an invalid ACL gets
// INVALID_REQUEST and does not stop the others.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { CreateAclsRequest } from '../protocol/messages/create-acls-request.js';
import type { CreateAclsResponse, AclCreationResult } from '../protocol/messages/create-acls-response.js';
import { AclOperation, type AclBinding } from '../acl/types.js';
import { invalidBinding } from '../acl/validate.js';
import { onCluster } from './authorize.js';
import type { ApiHandler } from './types.js';

export const createAcls: ApiHandler<CreateAclsRequest, CreateAclsResponse> = {
  apiKey: ApiKey.CreateAcls,
  name: 'CreateAcls',
  minVersion: 0,
  maxVersion: 3,
  handle(req, ctx) {
    const { authorizer } = ctx.broker;
    const all = (errorCode: number, errorMessage: string): CreateAclsResponse => ({
      throttleTimeMs: 0,
      results: req.creations.map(() => ({ errorCode, errorMessage })),
    });
    if (!authorizer.enabled) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!onCluster(ctx, AclOperation.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
    const valid: AclBinding[] = [];
    const results: AclCreationResult[] = req.creations.map((c) => {
      const acl: AclBinding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: c.resourcePatternType,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permissionType: c.permissionType,
      };
      const invalid = invalidBinding(acl);
      if (invalid) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid };
      valid.push(acl);
      return { errorCode: ErrorCode.NONE, errorMessage: null };
    });
    authorizer.store.add(valid);
    return { throttleTimeMs: 0, results };
  },
};
