import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brokersFromEnv, kafkaConfigFromEnv, KafkaConfigError } from '../../src/stream/kafka-config.js';

test('bootstrap servers come from any of the three variable names', () => {
  assert.deepEqual(brokersFromEnv({ KAFKA_BROKERS: 'a:9092, b:9093' }), ['a:9092', 'b:9093']);
  assert.deepEqual(brokersFromEnv({ BOOTSTRAP_SERVERS: 'pkc-123.europe-west1.gcp.confluent.cloud:9092' }), ['pkc-123.europe-west1.gcp.confluent.cloud:9092']);
  assert.deepEqual(brokersFromEnv({ KAFKA_BOOTSTRAP_SERVERS: 'SASL_SSL://k:9092' }), ['k:9092']);
  assert.equal(brokersFromEnv({}), undefined);
  assert.throws(() => brokersFromEnv({ KAFKA_BROKERS: 'no-port' }), (e: unknown) => e instanceof KafkaConfigError && e.variable === 'KAFKA_BROKERS');
});

test('Confluent Cloud style settings: SASL PLAIN turns TLS on', () => {
  const c = kafkaConfigFromEnv({ BOOTSTRAP_SERVERS: 'k:9092', SASL_MECHANISM: 'plain', SASL_USERNAME: 'key', SASL_PASSWORD: 'secret' });
  assert.deepEqual(c, { brokers: ['k:9092'], clientId: 'tributary', sasl: { mechanism: 'PLAIN', username: 'key', password: 'secret' }, ssl: {} });
  const plain = kafkaConfigFromEnv({ KAFKA_BROKERS: 'k:9092', SASL_MECHANISM: 'SCRAM-SHA-512', SASL_USERNAME: 'u', SASL_PASSWORD: 'p', KAFKA_SSL: 'false' });
  assert.equal(plain.ssl, undefined);
});

test('a CA file is read; bad settings name the variable', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-ca-'));
  const ca = path.join(dir, 'ca.pem');
  fs.writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
  assert.match(kafkaConfigFromEnv({ KAFKA_BROKERS: 'k:1', KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca }).ssl!.ca!, /BEGIN CERTIFICATE/);
  fs.rmSync(dir, { recursive: true });
  const wrong = (env: NodeJS.ProcessEnv, variable: string) =>
    assert.throws(() => kafkaConfigFromEnv(env), (e: unknown) => e instanceof KafkaConfigError && e.variable === variable);
  wrong({}, 'KAFKA_BROKERS');
  wrong({ KAFKA_BROKERS: 'k:1', SASL_MECHANISM: 'GSSAPI' }, 'SASL_MECHANISM');
  wrong({ KAFKA_BROKERS: 'k:1', SASL_MECHANISM: 'PLAIN', SASL_PASSWORD: 'p' }, 'SASL_USERNAME');
  wrong({ KAFKA_BROKERS: 'k:1', KAFKA_SSL: 'maybe' }, 'KAFKA_SSL');
  wrong({ KAFKA_BROKERS: 'k:1', KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' }, 'KAFKA_SSL_CA_FILE');
});
