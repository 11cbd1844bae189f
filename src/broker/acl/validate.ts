// What the ACL APIs refuse with INVALID_REQUEST, as Kafka does: a new ACL needs a
// concrete resource type, a LITERAL or PREFIXED pattern, a concrete operation and
// permission, a `Type:name` principal and a non-empty resource name (the cluster's
// being kafka-cluster); a filter may use ANY and MATCH but no UNKNOWN value.
import {
  AclOperation,
  CLUSTER_RESOURCE,
  PatternType,
  PermissionType,
  ResourceType,
  operationName,
  patternTypeName,
  permissionTypeName,
  resourceTypeName,
  type AclBinding,
  type AclBindingFilter,
} from './types.js';

/** Why `acl` cannot be created, or undefined when it can. */
export function invalidBinding(acl: AclBinding): string | undefined {
  const type = resourceTypeName(acl.resourceType);
  if (type === undefined || acl.resourceType === ResourceType.UNKNOWN || acl.resourceType === ResourceType.ANY) return `Invalid resourceType ${acl.resourceType}`;
  if (acl.patternType !== PatternType.LITERAL && acl.patternType !== PatternType.PREFIXED) return `Invalid patternType ${patternTypeName(acl.patternType) ?? acl.patternType}`;
  const op = operationName(acl.operation);
  if (op === undefined || acl.operation === AclOperation.UNKNOWN || acl.operation === AclOperation.ANY) return `Invalid operation ${op ?? acl.operation}`;
  const perm = permissionTypeName(acl.permissionType);
  if (perm === undefined || acl.permissionType === PermissionType.UNKNOWN || acl.permissionType === PermissionType.ANY) return `Invalid permissionType ${perm ?? acl.permissionType}`;
  if (acl.resourceName === '') return 'Resource name should not be empty';
  if (acl.resourceType === ResourceType.CLUSTER && acl.resourceName !== CLUSTER_RESOURCE) return `The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE}`;
  if (!/^[^:]+:.+$/.test(acl.principal)) return `Could not parse principal from \`${acl.principal}\` (no colon is present separating the principal type from the principal name)`;
  if (acl.host === '') return 'Invalid host: empty (use * for any host)';
  return undefined;
}

/** Why `filter` cannot select ACLs, or undefined when it can. */
export function invalidFilter(filter: AclBindingFilter): string | undefined {
  if (resourceTypeName(filter.resourceType) === undefined || filter.resourceType === ResourceType.UNKNOWN) return 'Unknown resourceType in the filter';
  if (patternTypeName(filter.patternType) === undefined || filter.patternType === PatternType.UNKNOWN) return 'Unknown patternFilter';
  if (operationName(filter.operation) === undefined || filter.operation === AclOperation.UNKNOWN) return 'Unknown operation in the entryFilter';
  if (permissionTypeName(filter.permissionType) === undefined || filter.permissionType === PermissionType.UNKNOWN) return 'Unknown permissionType in the entryFilter';
  return undefined;
}
