// Reads SASL users from a JSON file (`tributary broker --sasl-users <file>`):
// `{ "users": [{ "name": "app", "password": "...", "mechanisms": ["SCRAM-SHA-512"] }] }`
// or the bare array. The passwords are salted at start and not kept.
import fs from 'node:fs';
import { isSaslMechanism, SaslConfigError, type SaslUser } from './credentials.js';

export function readSaslUsersFile(file: string): SaslUser[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SaslConfigError(`cannot read SASL users from ${file}: ${(err as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(list)) throw new SaslConfigError(`${file}: expected {"users": [...]} or an array of users`);
  return list.map((u: unknown, i) => {
    const user = u as Partial<SaslUser> | null;
    if (!user || typeof user.name !== 'string' || user.name === '' || typeof user.password !== 'string') {
      throw new SaslConfigError(`${file}: user ${i} needs a "name" and a "password"`);
    }
    if (user.mechanisms !== undefined && (!Array.isArray(user.mechanisms) || !user.mechanisms.every((m) => typeof m === 'string' && isSaslMechanism(m)))) {
      throw new SaslConfigError(`${file}: user ${user.name}: "mechanisms" must list PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`);
    }
    return { name: user.name, password: user.password, ...(user.mechanisms ? { mechanisms: user.mechanisms } : {}) };
  });
}
