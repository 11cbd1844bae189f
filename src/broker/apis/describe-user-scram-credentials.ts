// DescribeUserScramCredentials (key 50), v0 (KIP-554): the SCRAM mechanisms and
// iteration counts of each user (never salts or keys). No users (null or empty)
// means every user that has one. As Kafka: a named user without credentials gets
// RESOURCE_NOT_FOUND, a user named twice DUPLICATE_RESOURCE.
// ACLs: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeUserScramCredentialsRequest } from '../protocol/messages/describe-user-scram-credentials-request.js';
import type {
  DescribeUserScramCredentialsResponse,
  DescribeUserScramCredentialsResult,
} from '../protocol/messages/describe-user-scram-credentials-response.js';
import { scramMechanismId } from '../sasl/scram.js';
import { AclOperation } from '../acl/types.js';
import { onCluster } from './authorize.js';
import type { ApiHandler } from './types.js';

export const describeUserScramCredentials: ApiHandler<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse> = {
  apiKey: ApiKey.DescribeUserScramCredentials,
  name: 'DescribeUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    if (!onCluster(ctx, AclOperation.DESCRIBE)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', results: [] };
    }
    const all = ctx.broker.credentials.describeScram();
    const describe = (user: string): DescribeUserScramCredentialsResult => ({
      user,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      credentialInfos: all.get(user)!.map((c) => ({ mechanism: scramMechanismId(c.mechanism), iterations: c.iterations })),
    });
    const error = (user: string, errorCode: number, errorMessage: string): DescribeUserScramCredentialsResult => ({ user, errorCode, errorMessage, credentialInfos: [] });
    let results: DescribeUserScramCredentialsResult[];
    if (req.users === null || req.users.length === 0) {
      results = [...all.keys()].sort().map(describe);
    } else {
      const names = req.users.map((u) => u.name);
      results = [...new Set(names)].map((user) => {
        if (names.indexOf(user) !== names.lastIndexOf(user)) {
          return error(user, ErrorCode.DUPLICATE_RESOURCE, `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`);
        }
        if (!all.has(user)) return error(user, ErrorCode.RESOURCE_NOT_FOUND, `Attempt to describe a user credential that does not exist: ${user}`);
        return describe(user);
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
};
