// FindCoordinator (key 10), v0–6. This broker coordinates every group and
// every transactional id, so the answer is always itself. Key types: 0 group,
// 1 transaction (v1+); share groups (2, v6) are not supported (INVALID_REQUEST).
// v4+ batches keys in CoordinatorKeys and answers one Coordinator per key;
// v0–3 answer the single Key in the top-level fields.
// ACLs: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED) or the
// transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED) looked up.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { FindCoordinatorRequest } from '../protocol/messages/find-coordinator-request.js';
import type { FindCoordinatorResponse } from '../protocol/messages/find-coordinator-response.js';
import { AclOperation } from '../acl/types.js';
import { onGroup, onTransactionalId } from './authorize.js';
import type { ApiHandler } from './types.js';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

export const findCoordinator: ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  handle(req, ctx) {
    const { broker, version } = ctx;
    const keyType = version >= 1 ? req.keyType : KEY_TYPE_GROUP;
    const supported = keyType === KEY_TYPE_GROUP || keyType === KEY_TYPE_TRANSACTION;
    const answer = (key: string) => {
      const allowed = !supported || (keyType === KEY_TYPE_GROUP ? onGroup(ctx, AclOperation.DESCRIBE, key) : onTransactionalId(ctx, AclOperation.DESCRIBE, key));
      const denied = keyType === KEY_TYPE_GROUP ? ErrorCode.GROUP_AUTHORIZATION_FAILED : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
      const ok = supported && allowed;
      return {
        errorCode: !supported ? ErrorCode.INVALID_REQUEST : allowed ? ErrorCode.NONE : denied,
        errorMessage: !supported ? `Unsupported key type ${keyType}` : allowed ? null : 'Authorization failed.',
        nodeId: ok ? broker.nodeId : -1,
        host: ok ? ctx.listener.advertisedHost : '',
        port: ok ? ctx.listener.advertisedPort : -1,
      };
    };
    if (version >= 4) {
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        nodeId: 0,
        host: '',
        port: 0,
        coordinators: req.coordinatorKeys.map((key) => ({ key, ...answer(key) })),
      };
    }
    return { throttleTimeMs: 0, ...answer(req.key), coordinators: [] };
  },
};
