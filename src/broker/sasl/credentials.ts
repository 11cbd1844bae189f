// The users a SASL listener accepts, by mechanism. Only salted credentials are
// kept (SCRAM's StoredKey/ServerKey; PLAIN is checked against a SCRAM-SHA-256
// credential of its own), never a password. SCRAM credentials can be described,
// added and removed at run time (Describe/AlterUserScramCredentials); a change
// is usable by the next authentication.
import { DEFAULT_ITERATIONS, SCRAM_MECHANISMS, newSalt, scramCredential, type ScramCredential, type ScramMechanism } from './scram.js';

export type SaslMechanism = 'PLAIN' | ScramMechanism;
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', ...SCRAM_MECHANISMS];

export interface SaslUser {
  name: string;
  password: string;
  /** The mechanisms this user may authenticate with; default all enabled ones. */
  mechanisms?: SaslMechanism[];
}

export class SaslConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslConfigError';
  }
}

export function isSaslMechanism(value: string): value is SaslMechanism {
  return (SASL_MECHANISMS as readonly string[]).includes(value);
}

export class CredentialStore {
  private readonly plain = new Map<string, ScramCredential>();
  private readonly scram = new Map<ScramMechanism, Map<string, ScramCredential>>(SCRAM_MECHANISMS.map((m) => [m, new Map()]));
  /** Told of each run-time change (alterScram, removeScram), to keep it on disk; null: deleted. */
  onScramChange: ((user: string, mechanism: ScramMechanism, credential: ScramCredential | null) => void) | undefined;

  constructor(
    /** Enabled mechanisms (sasl.enabled.mechanisms), in the order SaslHandshake lists them. */
    readonly mechanisms: readonly SaslMechanism[],
    users: readonly SaslUser[] = [],
    iterations = DEFAULT_ITERATIONS,
  ) {
    for (const m of mechanisms) if (!isSaslMechanism(m)) throw new SaslConfigError(`unknown SASL mechanism "${m}" (${SASL_MECHANISMS.join(', ')})`);
    for (const user of users) {
      if (!user.name || typeof user.password !== 'string') throw new SaslConfigError('every SASL user needs a name and a password');
      for (const m of user.mechanisms ?? mechanisms) {
        if (!isSaslMechanism(m)) throw new SaslConfigError(`user ${user.name}: unknown SASL mechanism "${m}"`);
        if (m === 'PLAIN') this.plain.set(user.name, scramCredential('SCRAM-SHA-256', user.password, newSalt(), iterations));
        else this.setScram(user.name, scramCredential(m, user.password, newSalt(), iterations));
      }
    }
  }

  isEnabled(mechanism: string): mechanism is SaslMechanism {
    return (this.mechanisms as readonly string[]).includes(mechanism);
  }

  /** The credential PLAIN checks the password against. */
  plainCredential(user: string): ScramCredential | undefined {
    return this.plain.get(user);
  }

  scramCredential(mechanism: ScramMechanism, user: string): ScramCredential | undefined {
    return this.scram.get(mechanism)!.get(user);
  }

  setScram(user: string, credential: ScramCredential): void {
    this.scram.get(credential.mechanism)!.set(user, credential);
  }

  /** False when the user had no such credential. */
  deleteScram(user: string, mechanism: ScramMechanism): boolean {
    return this.scram.get(mechanism)!.delete(user);
  }

  /** A change made at run time (AlterUserScramCredentials): applied, then reported to onScramChange. */
  alterScram(user: string, credential: ScramCredential): void {
    this.setScram(user, credential);
    this.onScramChange?.(user, credential.mechanism, credential);
  }

  /** A deletion made at run time; false when there was nothing to delete. */
  removeScram(user: string, mechanism: ScramMechanism): boolean {
    if (!this.deleteScram(user, mechanism)) return false;
    this.onScramChange?.(user, mechanism, null);
    return true;
  }

  /** Every user with a SCRAM credential, and the mechanisms and iterations of each. */
  describeScram(): Map<string, { mechanism: ScramMechanism; iterations: number }[]> {
    const out = new Map<string, { mechanism: ScramMechanism; iterations: number }[]>();
    for (const [mechanism, users] of this.scram) {
      for (const [user, c] of users) {
        if (!out.has(user)) out.set(user, []);
        out.get(user)!.push({ mechanism, iterations: c.iterations });
      }
    }
    return out;
  }
}
