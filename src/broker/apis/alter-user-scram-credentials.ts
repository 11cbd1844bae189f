// AlterUserScramCredentials (key 51), v0 (KIP-554): adds, replaces and removes
// users' SCRAM credentials at run time; the next SCRAM authentication uses them.
// The client sends the salt and the salted password (never the password); the
// broker keeps only StoredKey and ServerKey. One result per user: all of a user's
// changes apply, or none. Kafka's checks: a known mechanism
// (UNSUPPORTED_SASL_MECHANISM), 4096–16384 iterations and a user name
// (UNACCEPTABLE_CREDENTIAL), one change per user and mechanism
// (DUPLICATE_RESOURCE), deleting only what exists (RESOURCE_NOT_FOUND).
// Changes are kept in the data directory (sasl/credentials-file.ts) across restarts.
// ACLs: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED for every user.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { AlterUserScramCredentialsRequest } from '../protocol/messages/alter-user-scram-credentials-request.js';
import type { AlterUserScramCredentialsResponse, AlterUserScramCredentialsResult } from '../protocol/messages/alter-user-scram-credentials-response.js';
import { fromSaltedPassword, scramMechanismOf, type ScramMechanism } from '../sasl/scram.js';
import { AclOperation } from '../acl/types.js';
import { onCluster } from './authorize.js';
import type { ApiHandler } from './types.js';

const MIN_ITERATIONS = 4096;
const MAX_ITERATIONS = 16384;

interface Change {
  user: string;
  mechanismId: number;
  apply?: () => void;
  error?: [code: number, message: string];
}

export const alterUserScramCredentials: ApiHandler<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse> = {
  apiKey: ApiKey.AlterUserScramCredentials,
  name: 'AlterUserScramCredentials',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const store = ctx.broker.credentials;
    if (!onCluster(ctx, AclOperation.ALTER)) {
      const users = [...new Set([...req.deletions, ...req.upsertions].map((c) => c.name))];
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.' })) };
    }
    const changes: Change[] = [];
    const known = (id: number): ScramMechanism | undefined => scramMechanismOf(id);
    for (const d of req.deletions) {
      const mechanism = known(d.mechanism);
      const change: Change = { user: d.name, mechanismId: d.mechanism };
      if (!d.name) change.error = [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'];
      else if (!mechanism) change.error = [ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'];
      else if (!store.scramCredential(mechanism, d.name)) change.error = [ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'];
      else change.apply = () => store.removeScram(d.name, mechanism);
      changes.push(change);
    }
    for (const u of req.upsertions) {
      const mechanism = known(u.mechanism);
      const change: Change = { user: u.name, mechanismId: u.mechanism };
      if (!u.name) change.error = [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'];
      else if (!mechanism) change.error = [ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'];
      else if (u.iterations < MIN_ITERATIONS) change.error = [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations'];
      else if (u.iterations > MAX_ITERATIONS) change.error = [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations'];
      else change.apply = () => store.alterScram(u.name, fromSaltedPassword(mechanism, u.saltedPassword, u.salt, u.iterations));
      changes.push(change);
    }
    const byUser = new Map<string, Change[]>();
    for (const c of changes) {
      if (!byUser.has(c.user)) byUser.set(c.user, []);
      byUser.get(c.user)!.push(c);
    }
    const results: AlterUserScramCredentialsResult[] = [];
    for (const [user, mine] of byUser) {
      const mechanisms = mine.map((c) => c.mechanismId);
      const duplicate = mechanisms.some((m, i) => mechanisms.indexOf(m) !== i);
      const failed = duplicate ? [ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'] as const : mine.find((c) => c.error)?.error;
      if (failed) {
        results.push({ user, errorCode: failed[0], errorMessage: failed[1] });
        continue;
      }
      for (const c of mine) c.apply!();
      results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null });
    }
    return { throttleTimeMs: 0, results };
  },
};
