// ListTransactions (key 66), v0–1: transactional ids with their producer id and
// state, filtered by state names (unknown names are echoed back in
// unknownStateFilters), by producer ids, and (v1) by running longer than a
// duration (only transactions that have started).
// ACLs: only the transactional ids the caller may DESCRIBE are listed.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ListTransactionsRequest } from '../protocol/messages/list-transactions-request.js';
import type { ListTransactionsResponse } from '../protocol/messages/list-transactions-response.js';
import { TXN_STATES } from '../txn/txn-state.js';
import { AclOperation } from '../acl/types.js';
import { onTransactionalId } from './authorize.js';
import type { ApiHandler } from './types.js';

export const listTransactions: ApiHandler<ListTransactionsRequest, ListTransactionsResponse> = {
  apiKey: ApiKey.ListTransactions,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const known = new Set<string>(TXN_STATES);
    const states = new Set(req.stateFilters);
    const producers = new Set(req.producerIdFilters.map(Number));
    const duration = ctx.version >= 1 ? Number(req.durationFilter) : -1;
    const now = Date.now();
    const transactionStates = ctx.broker.txns
      .describeAll()
      .filter((t) => states.size === 0 || states.has(t.state))
      .filter((t) => producers.size === 0 || producers.has(t.producerId))
      .filter((t) => onTransactionalId(ctx, AclOperation.DESCRIBE, t.transactionalId))
      .filter((t) => duration < 0 || (t.startTimeMs >= 0 && now - t.startTimeMs > duration))
      .map((t) => ({ transactionalId: t.transactionalId, producerId: BigInt(t.producerId), transactionState: t.state }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: req.stateFilters.filter((s) => !known.has(s)),
      transactionStates,
    };
  },
};
