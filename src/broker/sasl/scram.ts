// SCRAM (RFC 5802, with SHA-256 per RFC 7677 and SHA-512 as Kafka uses it): the
// salted credential a server keeps instead of the password, and the server side
// of the three-message exchange. Only node:crypto primitives (pbkdf2 = Hi, hmac, hash).
import crypto from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];
/** Kafka's minimum (and kafka-configs' default) iteration count. */
export const DEFAULT_ITERATIONS = 4096;

const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

/** The mechanism's number in Describe/AlterUserScramCredentials (Kafka's ScramMechanism type). */
const MECHANISM_IDS: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };

export function scramMechanismId(m: ScramMechanism): number {
  return MECHANISM_IDS[m];
}

/** The mechanism of a Describe/AlterUserScramCredentials number; undefined for 0 (UNKNOWN) and others. */
export function scramMechanismOf(id: number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => MECHANISM_IDS[m] === id);
}

/** What is stored for a user and mechanism: never the password. */
export interface ScramCredential {
  mechanism: ScramMechanism;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export class ScramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScramError';
  }
}

const hmac = (m: ScramMechanism, key: Buffer, data: string | Buffer) => crypto.createHmac(HASH[m].name, key).update(data).digest();
const hash = (m: ScramMechanism, data: Buffer) => crypto.createHash(HASH[m].name).update(data).digest();

/** SaltedPassword = Hi(password, salt, i), then ClientKey/StoredKey/ServerKey. */
export function scramCredential(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): ScramCredential {
  const salted = crypto.pbkdf2Sync(password.normalize('NFKC'), salt, iterations, HASH[mechanism].bytes, HASH[mechanism].name);
  return fromSaltedPassword(mechanism, salted, salt, iterations);
}

/** The same, from a SaltedPassword (AlterUserScramCredentials sends it precomputed). */
export function fromSaltedPassword(mechanism: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return { mechanism, salt, iterations, storedKey: hash(mechanism, clientKey), serverKey: hmac(mechanism, salted, 'Server Key') };
}

export function newSalt(): Buffer {
  return crypto.randomBytes(32);
}

/** Whether `password` derives `credential` (PLAIN checks passwords this way: no password is kept). */
export function passwordMatches(credential: ScramCredential, password: string): boolean {
  const derived = scramCredential(credential.mechanism, password, credential.salt, credential.iterations);
  return crypto.timingSafeEqual(derived.storedKey, credential.storedKey);
}

/** `a=b,c=d` attributes of a SCRAM message, in order. */
function attributes(message: string): [string, string][] {
  return message.split(',').map((part) => {
    // One letter (RFC 5802) or a longer extension name (Kafka's tokenauth=true).
    const eq = part.indexOf('=');
    if (eq < 1 || !/^[a-zA-Z][a-zA-Z0-9]*$/.test(part.slice(0, eq))) throw new ScramError(`malformed SCRAM attribute "${part}"`);
    return [part.slice(0, eq), part.slice(eq + 1)];
  });
}

/** saslname: `=2C` is a comma, `=3D` an equals sign (RFC 5802 5.1). */
function decodeName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new ScramError('malformed user name');
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export interface ClientFirst {
  username: string;
  clientNonce: string;
  /** client-first-message-bare: part of the AuthMessage. */
  bare: string;
  gs2Header: string;
}

export function parseClientFirst(message: string): ClientFirst {
  const m = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(message);
  if (!m) throw new ScramError('malformed client-first message');
  if (m[1]!.startsWith('p=')) throw new ScramError('channel binding is not supported');
  const bare = m[3]!;
  const attrs = attributes(bare);
  if (attrs[0]?.[0] === 'm') throw new ScramError('mandatory SCRAM extensions are not supported');
  const n = attrs.find(([k]) => k === 'n');
  const r = attrs.find(([k]) => k === 'r');
  if (!n || !r || r[1] === '') throw new ScramError('client-first message lacks n= or r=');
  const username = decodeName(n[1]);
  if (m[2] && decodeName(m[2].slice(2)) !== username) throw new ScramError('authorization id differs from the user name');
  return { username, clientNonce: r[1], bare, gs2Header: `${m[1]},${m[2] ?? ''},` };
}

/** The server's state between its first message and the client's final one. */
export class ScramServerExchange {
  readonly serverFirst: string;
  private readonly nonce: string;

  constructor(
    readonly credential: ScramCredential,
    private readonly first: ClientFirst,
    serverNonce = crypto.randomBytes(24).toString('base64url'),
  ) {
    this.nonce = first.clientNonce + serverNonce;
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
  }

  /** Checks the client's proof; returns server-final-message (`v=...`), or throws ScramError. */
  finish(clientFinal: string): string {
    const m = /^(.*),p=([^,]*)$/s.exec(clientFinal);
    if (!m) throw new ScramError('client-final message lacks a proof');
    const withoutProof = m[1]!;
    const attrs = attributes(withoutProof);
    const c = attrs.find(([k]) => k === 'c');
    const r = attrs.find(([k]) => k === 'r');
    if (!c || Buffer.from(c[1], 'base64').toString('latin1') !== this.first.gs2Header) throw new ScramError('channel binding data differ');
    // Kafka checks only that the client's nonce ends with the server's: librdkafka
    // (2.0 at least) sends its own nonce in front of the whole combined one.
    if (!r || !r[1].endsWith(this.nonce)) throw new ScramError('nonce differs');
    const { mechanism, storedKey, serverKey } = this.credential;
    const authMessage = `${this.first.bare},${this.serverFirst},${withoutProof}`;
    const proof = Buffer.from(m[2]!, 'base64');
    const signature = hmac(mechanism, storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramError('invalid proof');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!crypto.timingSafeEqual(hash(mechanism, clientKey), storedKey)) throw new ScramError('invalid proof');
    return `v=${hmac(mechanism, serverKey, authMessage).toString('base64')}`;
  }
}
