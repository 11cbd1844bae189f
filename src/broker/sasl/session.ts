// One connection's SASL state on a SASL listener, following Kafka's server
// authenticator: before authentication only ApiVersions and SaslHandshake (then
// SaslAuthenticate) are taken, anything else closes the connection; a failure is
// answered with SASL_AUTHENTICATION_FAILED and then the connection is closed.
// Re-authentication (KIP-368): with connections.max.reauth.ms set, a session has
// a lifetime (told in SaslAuthenticate v1+); the client re-runs SaslHandshake and
// SaslAuthenticate on the same connection, with the same mechanism and principal,
// before it ends; a request after the end closes the connection.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { IllegalSaslStateError, SaslAuthenticationError } from './errors.js';
import type { CredentialStore, SaslMechanism } from './credentials.js';
import { authenticatePlain } from './plain.js';
import { ScramError, ScramServerExchange, parseClientFirst, type ScramMechanism } from './scram.js';

export interface SaslSessionOptions {
  credentials: CredentialStore;
  /** connections.max.reauth.ms; 0: sessions never expire. */
  maxReauthMs: number;
  now: () => number;
}

type State = 'handshake' | 'authenticate' | 'authenticated';

export class SaslSession {
  private state: State = 'handshake';
  private mechanism: SaslMechanism | undefined;
  /** Set while a SCRAM exchange waits for the client's final message. */
  private scram: ScramServerExchange | undefined;
  /** The user named in the SCRAM client-first message. */
  private scramUser: string | undefined;
  private reauthenticating = false;
  /** Handshake v0: tokens come as bare size-prefixed frames, not SaslAuthenticate requests. */
  private rawTokens = false;
  /** The authenticated user. */
  principal: string | undefined;
  /** When the session ends (ms, the options' clock), or undefined for never. */
  expiresAt: number | undefined;

  constructor(private readonly options: SaslSessionOptions) {}

  get authenticated(): boolean {
    return this.state === 'authenticated' && !this.reauthenticating;
  }

  /** True while the next frame is a bare SASL token (after SaslHandshake v0). */
  get expectsRawToken(): boolean {
    return this.rawTokens && this.state === 'authenticate';
  }

  /** Throws IllegalSaslStateError when a request of `apiKey` may not run now (the caller closes the connection). */
  check(apiKey: number, apiName: string): void {
    if (this.state === 'handshake') {
      if (apiKey === ApiKey.ApiVersions || apiKey === ApiKey.SaslHandshake) return;
      throw new IllegalSaslStateError(`Unexpected Kafka request of type ${apiName} during SASL handshake`);
    }
    if (this.state === 'authenticate') {
      if (apiKey === ApiKey.SaslAuthenticate && !this.rawTokens) return;
      throw new IllegalSaslStateError(`Unexpected Kafka request of type ${apiName} during SASL authentication`);
    }
    if (apiKey === ApiKey.SaslAuthenticate) throw new IllegalSaslStateError('SaslAuthenticate without a SaslHandshake');
    if (apiKey === ApiKey.SaslHandshake) return; // re-authentication
    if (this.expiresAt !== undefined && this.options.now() >= this.expiresAt) {
      throw new IllegalSaslStateError(`SASL session of ${this.principal} expired (connections.max.reauth.ms); the client did not re-authenticate`);
    }
  }

  /** SaslHandshake: the enabled mechanisms, and an error code when `mechanism` is not one of them. */
  handshake(mechanism: string, version: number): { errorCode: number; mechanisms: string[]; close: boolean } {
    const { credentials } = this.options;
    const mechanisms = [...credentials.mechanisms];
    if (!credentials.isEnabled(mechanism)) return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms, close: true };
    if (this.state === 'authenticated') {
      if (mechanism !== this.mechanism) throw new SaslAuthenticationError(`Re-authentication must use the same mechanism (${this.mechanism}), not ${mechanism}`);
      this.reauthenticating = true;
    }
    this.mechanism = mechanism;
    this.state = 'authenticate';
    this.rawTokens = version === 0;
    return { errorCode: ErrorCode.NONE, mechanisms, close: false };
  }

  /**
   * One SASL token from the client; the server's answer, and whether the session is
   * now established. Throws SaslAuthenticationError on failure.
   */
  authenticate(token: Buffer): { token: Buffer; done: boolean; sessionLifetimeMs: number } {
    if (this.state !== 'authenticate' || !this.mechanism) throw new IllegalSaslStateError('SaslAuthenticate before SaslHandshake');
    const user = this.mechanism === 'PLAIN' ? this.plain(token) : this.scramStep(this.mechanism, token);
    if (user.done === false) return { token: user.reply, done: false, sessionLifetimeMs: 0 };
    if (this.reauthenticating && user.name !== this.principal) {
      throw new SaslAuthenticationError(`Re-authentication must keep the principal ${this.principal}, not ${user.name}`);
    }
    this.principal = user.name;
    this.state = 'authenticated';
    this.reauthenticating = false;
    this.rawTokens = false;
    const lifetime = this.options.maxReauthMs;
    this.expiresAt = lifetime > 0 ? this.options.now() + lifetime : undefined;
    return { token: user.reply, done: true, sessionLifetimeMs: lifetime };
  }

  private plain(token: Buffer): { name: string; reply: Buffer; done: true } {
    const name = authenticatePlain(this.options.credentials, token);
    return { name, reply: Buffer.alloc(0), done: true };
  }

  private scramStep(mechanism: ScramMechanism, token: Buffer): { name: string; reply: Buffer; done: boolean } {
    const text = token.toString('utf8');
    const failed = `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
    try {
      if (!this.scram) {
        const first = parseClientFirst(text);
        const credential = this.options.credentials.scramCredential(mechanism, first.username);
        if (!credential) throw new SaslAuthenticationError('Authentication failed: Invalid user credentials');
        this.scram = new ScramServerExchange(credential, first);
        this.scramUser = first.username;
        return { name: first.username, reply: Buffer.from(this.scram.serverFirst), done: false };
      }
      const exchange = this.scram;
      this.scram = undefined;
      const serverFinal = exchange.finish(text);
      return { name: this.scramUser!, reply: Buffer.from(serverFinal), done: true };
    } catch (err) {
      this.scram = undefined;
      if (err instanceof ScramError) throw new SaslAuthenticationError(err.message === 'invalid proof' ? failed : `Authentication failed: ${err.message}`);
      throw err;
    }
  }
}
