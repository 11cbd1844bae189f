// EndTxn (key 26), v0–4: commit or abort. Answered once the decision
// (PrepareCommit/PrepareAbort) is durable; the markers go to every partition of
// the transaction and its group offsets are completed right after, before the
// answer leaves (a failure there is retried in the background). A retried
// commit of a committed transaction (or abort of an aborted one) succeeds.
// PRODUCER_FENCED from v2. v5 (an epoch bump per transaction, KIP-890) is still
// unstable in Kafka and not offered.
// ACLs: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { EndTxnRequest } from '../protocol/messages/end-txn-request.js';
import type { EndTxnResponse } from '../protocol/messages/end-txn-response.js';
import { fencedForVersion } from '../txn/txn-state.js';
import { AclOperation } from '../acl/types.js';
import { onTransactionalId } from './authorize.js';
import type { ApiHandler } from './types.js';

export const endTxn: ApiHandler<EndTxnRequest, EndTxnResponse> = {
  apiKey: ApiKey.EndTxn,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    if (!onTransactionalId(ctx, AclOperation.WRITE, req.transactionalId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
    }
    const code = await ctx.broker.txns.endTxn(req.transactionalId, Number(req.producerId), req.producerEpoch, req.committed);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(code, ctx.version, 2), producerId: -1n, producerEpoch: -1 };
  },
};
