// The handlers' one way to ask the authorizer: the caller is the connection's
// principal (`User:<sasl user>` on a SASL listener, `User:ANONYMOUS` otherwise)
// and its address. With the authorizer off every check passes.
import type { Caller } from '../acl/authorizer.js';
import { principalOf, ResourceType, CLUSTER_RESOURCE } from '../acl/types.js';
import type { RequestContext } from './types.js';

export function callerOf(ctx: RequestContext): Caller {
  return { principal: principalOf(ctx.sasl?.principal), host: ctx.connection.remoteAddress };
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
