// SASL/PLAIN (RFC 4616): `authzid NUL authcid NUL password`, checked against the
// user's salted credential. Kafka's error messages, so clients show the same text.
import type { CredentialStore } from './credentials.js';
import { passwordMatches, scramCredential, type ScramCredential } from './scram.js';
import { SaslAuthenticationError } from './errors.js';

/** The authenticated user name, or throws SaslAuthenticationError. */
export function authenticatePlain(credentials: CredentialStore, token: Buffer): string {
  const parts = token.toString('utf8').split('\u0000');
  if (parts.length !== 3) throw new SaslAuthenticationError(`Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}`);
  const [authzid, username, password] = parts as [string, string, string];
  if (username === '') throw new SaslAuthenticationError('Authentication failed: username not specified');
  if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified');
  if (authzid !== '' && authzid !== username) {
    throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username');
  }
  const credential = credentials.plainCredential(username);
  // An unknown user costs the same derivation as a known one.
  const ok = credential ? passwordMatches(credential, password) : (passwordMatches(dummy(), password), false);
  if (!ok) throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
  return username;
}

let dummyCredential: ScramCredential | undefined;
function dummy(): ScramCredential {
  return (dummyCredential ??= scramCredential('SCRAM-SHA-256', 'unknown-user', Buffer.alloc(32), 4096));
}
