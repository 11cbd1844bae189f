// SCRAM credentials changed at run time (AlterUserScramCredentials), kept in
// <dataDir>/scram-credentials.json so they survive a restart, as Kafka keeps them
// in its metadata. The file holds only those changes (a credential, or null for
// a deletion), replayed over the users given in the options at start. Salts and
// keys only, never a password. Replaced atomically (temp file, fsync, rename).
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../atomic-file.js';
import type { CredentialStore } from './credentials.js';
import { SCRAM_MECHANISMS, type ScramCredential, type ScramMechanism } from './scram.js';

interface StoredCredential {
  salt: string;
  iterations: number;
  storedKey: string;
  serverKey: string;
}

type Changes = Record<string, Partial<Record<ScramMechanism, StoredCredential | null>>>;

export class CredentialsFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialsFileError';
  }
}

export function credentialsFileIn(dataDir: string): string {
  return path.join(dataDir, 'scram-credentials.json');
}

/** Replays the file's changes into `store`, then records every later change there. */
export function attachCredentialsFile(store: CredentialStore, file: string): void {
  const changes = read(file);
  for (const [user, byMechanism] of Object.entries(changes)) {
    for (const mechanism of SCRAM_MECHANISMS) {
      const stored = byMechanism[mechanism];
      if (stored === null) store.deleteScram(user, mechanism);
      else if (stored) store.setScram(user, decode(mechanism, stored));
    }
  }
  store.onScramChange = (user, mechanism, credential) => {
    (changes[user] ??= {})[mechanism] = credential ? encode(credential) : null;
    writeFileAtomically(file, JSON.stringify({ version: 1, changes }));
  };
}

function read(file: string): Changes {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CredentialsFileError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as { version?: number; changes?: Changes };
    if (parsed.version !== 1 || typeof parsed.changes !== 'object' || parsed.changes === null) throw new Error('not a version 1 credentials file');
    return parsed.changes;
  } catch (err) {
    throw new CredentialsFileError(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

const encode = (c: ScramCredential): StoredCredential => ({
  salt: c.salt.toString('base64'),
  iterations: c.iterations,
  storedKey: c.storedKey.toString('base64'),
  serverKey: c.serverKey.toString('base64'),
});

const decode = (mechanism: ScramMechanism, s: StoredCredential): ScramCredential => ({
  mechanism,
  salt: Buffer.from(s.salt, 'base64'),
  iterations: s.iterations,
  storedKey: Buffer.from(s.storedKey, 'base64'),
  serverKey: Buffer.from(s.serverKey, 'base64'),
});
