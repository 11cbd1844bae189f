// The broker's listeners, SASL users and TLS files from the environment, for
// `tributary broker` (whose flags win) and the broker `tributary start` embeds:
//   BROKER_LISTENERS             PLAINTEXT://127.0.0.1:9092,SASL_SSL://0.0.0.0:9093
//   BROKER_ADVERTISED_LISTENERS  SASL_SSL://kafka.example.com:19093
//   BROKER_SASL_USERS            JSON file of users (see sasl/users-file.ts)
//   BROKER_TLS_CERT, BROKER_TLS_KEY, BROKER_TLS_CA   PEM files
//   BROKER_TLS_CLIENT_AUTH       true: client certificates required (mutual TLS)
// Plain data only (no functions), so the options can be posted to a worker thread.
import type { BrokerOptions } from './config.js';
import { readSaslUsersFile } from './sasl/users-file.js';
import { ListenerConfigError } from './listeners.js';

export type SecurityOptions = Pick<BrokerOptions, 'listeners' | 'advertisedListeners' | 'sasl' | 'tls'>;

export interface SecuritySettings {
  listeners?: string;
  advertisedListeners?: string;
  saslUsersFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tlsClientAuth?: boolean;
}

/** The settings as the environment gives them (empty values count as unset). */
export function securitySettingsFromEnv(env: NodeJS.ProcessEnv): SecuritySettings {
  const get = (name: string) => env[name]?.trim() || undefined;
  const clientAuth = get('BROKER_TLS_CLIENT_AUTH')?.toLowerCase();
  if (clientAuth !== undefined && !['true', 'false', '1', '0', 'yes', 'no'].includes(clientAuth)) {
    throw new ListenerConfigError(`BROKER_TLS_CLIENT_AUTH: "${env.BROKER_TLS_CLIENT_AUTH}" is not true or false`);
  }
  return {
    listeners: get('BROKER_LISTENERS'),
    advertisedListeners: get('BROKER_ADVERTISED_LISTENERS'),
    saslUsersFile: get('BROKER_SASL_USERS'),
    tlsCert: get('BROKER_TLS_CERT'),
    tlsKey: get('BROKER_TLS_KEY'),
    tlsCa: get('BROKER_TLS_CA'),
    tlsClientAuth: clientAuth === undefined ? undefined : ['true', '1', 'yes'].includes(clientAuth),
  };
}

/** Broker options from the settings: users read from their file, TLS files named (read at start). */
export function securityOptions(s: SecuritySettings): SecurityOptions {
  const out: SecurityOptions = {};
  if (s.listeners) out.listeners = s.listeners;
  if (s.advertisedListeners) out.advertisedListeners = s.advertisedListeners;
  if (s.saslUsersFile) out.sasl = { users: readSaslUsersFile(s.saslUsersFile) };
  if (s.tlsCert || s.tlsKey) {
    if (!s.tlsCert || !s.tlsKey) throw new ListenerConfigError('a TLS certificate and its key go together');
    out.tls = { cert: s.tlsCert, key: s.tlsKey, ...(s.tlsCa ? { ca: s.tlsCa } : {}), requestCert: s.tlsClientAuth ?? false };
  } else if (s.tlsCa || s.tlsClientAuth) {
    throw new ListenerConfigError('a TLS CA or client authentication needs a certificate and key');
  }
  return out;
}
