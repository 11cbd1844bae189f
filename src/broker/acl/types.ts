// The vocabulary of ACLs as the Kafka protocol codes it: resource types, pattern
// types, operations and permission types (their int8 codes on the wire), an ACL
// binding (a resource pattern and an access entry) and the filters the ACL APIs
// match bindings with.

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export const PermissionType = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export type ResourceTypeName = keyof typeof ResourceType;
export type PatternTypeName = keyof typeof PatternType;
export type AclOperationName = keyof typeof AclOperation;
export type PermissionTypeName = keyof typeof PermissionType;

/** The name of the one CLUSTER resource. */
export const CLUSTER_RESOURCE = 'kafka-cluster';
/** A resource name or principal that stands for every one. */
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';

/** One ACL: who (principal, host) may or may not (permission) do what (operation) to which resources (pattern). */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** What DescribeAcls and DeleteAcls select bindings by; null names, principals and hosts match any. */
export interface AclBindingFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

const nameOf = <T extends Record<string, number>>(codes: T, code: number): keyof T | undefined =>
  (Object.keys(codes) as (keyof T)[]).find((k) => codes[k] === code);

export const resourceTypeName = (code: number): ResourceTypeName | undefined => nameOf(ResourceType, code);
export const patternTypeName = (code: number): PatternTypeName | undefined => nameOf(PatternType, code);
export const operationName = (code: number): AclOperationName | undefined => nameOf(AclOperation, code);
export const permissionTypeName = (code: number): PermissionTypeName | undefined => nameOf(PermissionType, code);

/** `User:<name>` for a SASL user; `User:ANONYMOUS` for a connection that did not authenticate. */
export function principalOf(saslUser: string | undefined): string {
  return `User:${saslUser ?? 'ANONYMOUS'}`;
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  );
}
