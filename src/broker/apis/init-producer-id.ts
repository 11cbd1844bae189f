// InitProducerId (key 22), v0–5: a producer id and epoch for an idempotent or
// transactional producer. Without a transactional id every call gets a fresh
// id (epoch 0). With one, the epoch is bumped (fencing any older instance; an
// ongoing transaction of that id is aborted first), persisted before the answer.
// v3+ carry the producer's current id/epoch (KIP-360): a mismatch is fenced, a
// retry of the last bump gets the same answer. v4+ answer PRODUCER_FENCED
// where older versions get INVALID_PRODUCER_EPOCH.
// ACLs: a transactional id needs WRITE on it (else
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent producer needs
// IDEMPOTENT_WRITE on the cluster or WRITE on some topic (else
// CLUSTER_AUTHORIZATION_FAILED), as Kafka 3+ allows.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { InitProducerIdRequest } from '../protocol/messages/init-producer-id-request.js';
import type { InitProducerIdResponse } from '../protocol/messages/init-producer-id-response.js';
import { fencedForVersion } from '../txn/txn-state.js';
import { AclOperation, ResourceType } from '../acl/types.js';
import { callerOf, onCluster, onTransactionalId } from './authorize.js';
import type { ApiHandler, RequestContext } from './types.js';

export const initProducerId: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    const denied = req.transactionalId !== null
      ? (onTransactionalId(ctx, AclOperation.WRITE, req.transactionalId) ? undefined : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
      : (mayWriteIdempotently(ctx) ? undefined : ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    if (denied !== undefined) return { throttleTimeMs: 0, errorCode: denied, producerId: -1n, producerEpoch: -1 };
    const expected = ctx.version >= 3 && req.producerId >= 0n ? { producerId: Number(req.producerId), epoch: req.producerEpoch } : null;
    const r = await ctx.broker.txns.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
    return {
      throttleTimeMs: 0,
      errorCode: fencedForVersion(r.errorCode, ctx.version, 4),
      producerId: BigInt(r.producerId),
      producerEpoch: r.producerEpoch,
    };
  },
};

/** IDEMPOTENT_WRITE on the cluster, or WRITE on any topic (an ALLOW of WRITE on some topic pattern). */
function mayWriteIdempotently(ctx: RequestContext): boolean {
  if (onCluster(ctx, AclOperation.IDEMPOTENT_WRITE)) return true;
  const { authorizer } = ctx.broker;
  const caller = callerOf(ctx);
  if (authorizer.authorize(caller, AclOperation.WRITE, ResourceType.TOPIC, '*')) return true;
  return authorizer.store.ofType(ResourceType.TOPIC).some((a) => authorizer.authorize(caller, AclOperation.WRITE, ResourceType.TOPIC, a.resourceName));
}
