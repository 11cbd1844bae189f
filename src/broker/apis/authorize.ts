// The handlers' one way to ask the authorizer: the caller is the connection's
// principal (`User:<sasl user>` on a SASL listener, `User:ANONYMOUS` otherwise)
// and its address. With the authorizer off every check passes.
import type { Caller } from '../acl/authorizer.js';
import { AclOperation, principalOf, ResourceType, CLUSTER_RESOURCE } from '../acl/types.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './types.js';

export function callerOf(ctx: RequestContext): Caller {
  // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; ACLs name a.b.c.d.
  const host = ctx.connection.remoteAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return { principal: principalOf(ctx.sasl?.principal), host };
}

export function authorized(ctx: RequestContext, operation: number, resourceType: number, name: string): boolean {
  const { authorizer } = ctx.broker;
  return !authorizer.enabled || authorizer.authorize(callerOf(ctx), operation, resourceType, name);
}

export const onTopic = (ctx: RequestContext, operation: number, topic: string): boolean => authorized(ctx, operation, ResourceType.TOPIC, topic);
export const onGroup = (ctx: RequestContext, operation: number, group: string): boolean => authorized(ctx, operation, ResourceType.GROUP, group);
export const onCluster = (ctx: RequestContext, operation: number): boolean => authorized(ctx, operation, ResourceType.CLUSTER, CLUSTER_RESOURCE);
export const onTransactionalId = (ctx: RequestContext, operation: number, id: string): boolean =>
  authorized(ctx, operation, ResourceType.TRANSACTIONAL_ID, id);

/** Creating a topic (CreateTopics, auto-creation) needs CREATE on the cluster or on the topic. */
export const canCreateTopic = (ctx: RequestContext, topic: string): boolean =>
  onCluster(ctx, AclOperation.CREATE) || onTopic(ctx, AclOperation.CREATE, topic);

/**
 * DescribeConfigs and the AlterConfigs: `operation` (DESCRIBE_CONFIGS or ALTER_CONFIGS)
 * on the topic, or on the cluster for a BROKER resource; the error code to answer
 * the resource with when the caller lacks it.
 */
export function configsDenied(ctx: RequestContext, operation: number, resourceType: number, name: string): number | undefined {
  if (resourceType === CONFIG_RESOURCE_TOPIC) return onTopic(ctx, operation, name) ? undefined : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  if (resourceType === CONFIG_RESOURCE_BROKER) return onCluster(ctx, operation) ? undefined : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
  return undefined;
}

/** ConfigResource types (not ACL resource types). */
const CONFIG_RESOURCE_TOPIC = 2;
const CONFIG_RESOURCE_BROKER = 4;

/** The operations Kafka reports in `authorized_operations`, per resource type. */
const REPORTED_OPERATIONS: Record<number, readonly number[]> = {
  [ResourceType.TOPIC]: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE],
  [ResourceType.CLUSTER]: [AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE],
};

/**
 * `authorized_operations` (Metadata, DescribeGroups, ConsumerGroupDescribe): a bit
 * (1 << operation code) per operation the caller may perform on the resource, or
 * `unknown` (Kafka's INT32_MIN) when the client did not ask or no authorizer runs.
 */
export function authorizedOperations(ctx: RequestContext, asked: boolean, resourceType: number, name: string, unknown: number): number {
  if (!asked || !ctx.broker.authorizer.enabled) return unknown;
  let bits = 0;
  for (const op of REPORTED_OPERATIONS[resourceType] ?? []) if (authorized(ctx, op, resourceType, name)) bits |= 1 << op;
  return bits;
}
