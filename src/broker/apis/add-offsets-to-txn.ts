// AddOffsetsToTxn (key 25), v0–4: puts a consumer group's offsets into the
// producer's transaction, so the TxnOffsetCommit that follows commits or aborts
// with it. Same checks as AddPartitionsToTxn; PRODUCER_FENCED from v2.
// ACLs: WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
// and READ on the group (else GROUP_AUTHORIZATION_FAILED).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { AddOffsetsToTxnRequest } from '../protocol/messages/add-offsets-to-txn-request.js';
import type { AddOffsetsToTxnResponse } from '../protocol/messages/add-offsets-to-txn-response.js';
import { fencedForVersion } from '../txn/txn-state.js';
import { AclOperation } from '../acl/types.js';
import { onGroup, onTransactionalId } from './authorize.js';
import type { ApiHandler } from './types.js';

export const addOffsetsToTxn: ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    if (!onTransactionalId(ctx, AclOperation.WRITE, req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!onGroup(ctx, AclOperation.READ, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    if (!req.groupId) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    const code = await ctx.broker.txns.add(req.transactionalId, Number(req.producerId), req.producerEpoch, [], [req.groupId]);
    return { throttleTimeMs: 0, errorCode: fencedForVersion(code, ctx.version, 2) };
  },
};
