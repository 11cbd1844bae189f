// Which ACLs a filter selects (DescribeAcls, DeleteAcls) and which ones apply to a
// request on a resource (the authorizer), with Kafka's rules:
// - a filter's MATCH pattern type selects the LITERAL bindings of that name or of
//   `*` and the PREFIXED bindings the name starts with; ANY selects every pattern
//   type whose name equals the filter's; LITERAL and PREFIXED select their own;
// - a binding applies to a resource when it is LITERAL with the resource's name or
//   `*`, or PREFIXED with a prefix of it; its principal is the caller's or `User:*`,
//   its host the caller's or `*`;
// - ALL grants or denies every operation; an allowed READ, WRITE, DELETE or ALTER
//   also allows DESCRIBE, an allowed ALTER_CONFIGS also DESCRIBE_CONFIGS.
import {
  AclOperation,
  PatternType,
  PermissionType,
  ResourceType,
  WILDCARD,
  WILDCARD_HOST,
  WILDCARD_PRINCIPAL,
  type AclBinding,
  type AclBindingFilter,
} from './types.js';

export function filterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  return patternFilterMatches(filter, acl) && entryFilterMatches(filter, acl);
}

function patternFilterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== acl.resourceType) return false;
  const p = filter.patternType;
  if (p !== PatternType.ANY && p !== PatternType.MATCH && p !== acl.patternType) return false;
  if (filter.resourceName === null) return true;
  if (p === PatternType.ANY || p === acl.patternType) return filter.resourceName === acl.resourceName;
  // MATCH: the bindings that would apply to a resource of that name.
  if (acl.patternType === PatternType.LITERAL) return acl.resourceName === filter.resourceName || acl.resourceName === WILDCARD;
  if (acl.patternType === PatternType.PREFIXED) return filter.resourceName.startsWith(acl.resourceName);
  return false;
}

function entryFilterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  return (
    (filter.principal === null || filter.principal === acl.principal) &&
    (filter.host === null || filter.host === acl.host) &&
    (filter.operation === AclOperation.ANY || filter.operation === acl.operation) &&
    (filter.permissionType === PermissionType.ANY || filter.permissionType === acl.permissionType)
  );
}

/** True when `acl`'s resource pattern covers the resource `type`/`name`. */
export function appliesToResource(acl: AclBinding, type: number, name: string): boolean {
  if (acl.resourceType !== type) return false;
  if (acl.patternType === PatternType.LITERAL) return acl.resourceName === name || acl.resourceName === WILDCARD;
  if (acl.patternType === PatternType.PREFIXED) return name.startsWith(acl.resourceName);
  return false;
}

/** True when `acl`'s principal and host cover the caller. */
export function appliesToCaller(acl: AclBinding, principal: string, host: string): boolean {
  return (acl.principal === principal || acl.principal === WILDCARD_PRINCIPAL) && (acl.host === host || acl.host === WILDCARD_HOST);
}

/** The operations an ALLOW of `operation` grants: itself, and DESCRIBE / DESCRIBE_CONFIGS as Kafka implies them. */
function allowedBy(granted: number, wanted: number): boolean {
  if (granted === AclOperation.ALL || granted === wanted) return true;
  if (wanted === AclOperation.DESCRIBE) {
    return granted === AclOperation.READ || granted === AclOperation.WRITE || granted === AclOperation.DELETE || granted === AclOperation.ALTER;
  }
  if (wanted === AclOperation.DESCRIBE_CONFIGS) return granted === AclOperation.ALTER_CONFIGS;
  return false;
}

/**
 * The decision for a caller's `operation` from the ACLs that apply to the resource
 * (already narrowed with appliesToResource): a matching DENY wins, then a matching
 * ALLOW; none at all is 'no-acl' (the resource has no ACLs: allow.everyone.if.no.acl.found
 * decides), otherwise 'deny'.
 */
export function decide(acls: readonly AclBinding[], principal: string, host: string, operation: number): 'allow' | 'deny' | 'no-acl' {
  if (acls.length === 0) return 'no-acl';
  let allowed = false;
  for (const acl of acls) {
    if (!appliesToCaller(acl, principal, host)) continue;
    if (acl.permissionType === PermissionType.DENY && (acl.operation === AclOperation.ALL || acl.operation === operation)) return 'deny';
    if (acl.permissionType === PermissionType.ALLOW && allowedBy(acl.operation, operation)) allowed = true;
  }
  return allowed ? 'allow' : 'deny';
}
