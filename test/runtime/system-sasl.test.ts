// The services against a secured broker, configured as for a managed cluster
// (KAFKA_BROKERS, SASL_MECHANISM, SASL_USERNAME, SASL_PASSWORD, KAFKA_SSL_CA_FILE):
// the players system on a SASL_SSL listener answers a POST, and the players are
// read back over SASL_SSL. The broker has no other listener.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import pino from 'pino';
import { Kafka, logLevel } from 'kafkajs';
import { startSystem, type RunningSystem } from '../../src/runtime/system.js';
import { kafkaConfigFromEnv } from '../../src/stream/kafka-config.js';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js';
import { readAll } from '../helpers/kafkajs.js';
import { api } from '../helpers/system.js';

let broker: TestBroker;
let certs: TestCerts;
let system: RunningSystem;
let dataDir: string;

before(async () => {
  certs = makeTestCerts();
  broker = await startTestBroker({
    listeners: 'SASL_SSL://127.0.0.1:0',
    sasl: { users: [{ name: 'players-app', password: 'players-secret' }] },
    tls: { cert: certs.serverCert, key: certs.serverKey },
    groupInitialRebalanceDelayMs: 0,
  });
  dataDir = tempDir('tributary-sasl-system-');
  const env = {
    KAFKA_BROKERS: broker.address,
    SASL_MECHANISM: 'SCRAM-SHA-512',
    SASL_USERNAME: 'players-app',
    SASL_PASSWORD: 'players-secret',
    KAFKA_SSL_CA_FILE: certs.caCert,
    DATA_DIR: dataDir,
  };
  const kafka = kafkaConfigFromEnv(env);
  assert.ok(kafka.sasl && kafka.ssl?.ca, 'SASL and TLS settings read from the environment');
  system = await startSystem({
    kafka,
    env,
    log: pino({ level: 'silent' }),
    database: { url: null, dataDir: `${dataDir}/db` },
    services: ['players'],
    api: { host: '127.0.0.1', port: 0 },
  });
});

after(async () => {
  await system?.close();
  await broker.destroy();
  certs.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the players system on a SASL_SSL listener', () => {
  it('POST /api/soccer_players answers 201 and the players are on the topic', async () => {
    const res = await api(system.url!, 'POST', '/api/soccer_players', { count: 3 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const kafka = new Kafka({
      clientId: 'reader',
      brokers: [broker.address],
      ssl: { ca: [certs.caPem] },
      sasl: { mechanism: 'plain', username: 'players-app', password: 'players-secret' },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const records = await readAll(kafka, admin, 'soccer_players');
      const ids = new Set(records.map((r) => JSON.parse(r.value!).id as string));
      for (const p of res.body as { id: string }[]) assert.ok(ids.has(p.id), `player ${p.id} is on the topic`);
    } finally {
      await admin.disconnect();
    }
  });
});
