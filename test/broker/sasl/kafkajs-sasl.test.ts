// kafkajs 2.2.4 over SASL_SSL, as against a managed cluster: PLAIN, SCRAM-SHA-256
// and SCRAM-SHA-512 each produce and consume; a wrong password is refused with
// the broker's message. The same broker has a PLAINTEXT listener at once, which
// serves clients without credentials and advertises its own address.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { makeTestCerts, type TestCerts } from '../../helpers/tls-certs.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';

let broker: TestBroker;
let certs: TestCerts;
let secure: string;
let plain: string;

before(async () => {
  certs = makeTestCerts();
  broker = await startTestBroker({
    listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    sasl: {
      users: [
        { name: 'alice', password: 'alice-secret' },
        { name: 'scram-only', password: 'scram-secret', mechanisms: ['SCRAM-SHA-512'] },
      ],
    },
    tls: { cert: certs.serverCert, key: certs.serverKey },
    groupInitialRebalanceDelayMs: 0,
  });
  plain = broker.listeners.find((l) => l.name === 'PLAINTEXT')!.address;
  secure = broker.listeners.find((l) => l.name === 'SASL_SSL')!.address;
});

after(async () => {
  await broker.destroy();
  certs.remove();
});

function client(sasl: SASLOptions, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [secure], ssl: { ca: [certs.caPem] }, sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
}

/** Produces two messages, then reads them back with a consumer group. */
async function roundTrip(kafka: Kafka, topic: string): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'k', value: `${topic}-1` }, { key: 'k', value: `${topic}-2` }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === 2) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

describe('kafkajs over SASL_SSL', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`${mechanism}: produces and consumes`, async () => {
      const topic = `sasl-${mechanism}`;
      const kafka = client({ mechanism, username: 'alice', password: 'alice-secret' } as SASLOptions, `test-${mechanism}`);
      assert.deepEqual(await roundTrip(kafka, topic), [`${topic}-1`, `${topic}-2`]);
    });
  }

  it('a wrong password is refused with SASL_AUTHENTICATION_FAILED and the broker\'s message', async () => {
    for (const mechanism of ['plain', 'scram-sha-256'] as const) {
      const admin = client({ mechanism, username: 'alice', password: 'wrong' } as SASLOptions, 'wrong-password').admin();
      await assert.rejects(admin.connect(), (err: Error) => {
        assert.equal(err.name, 'KafkaJSSASLAuthenticationError', `${mechanism}: ${err.name}: ${err.message}`);
        assert.match(err.message, /Authentication failed/);
        return true;
      });
    }
  });

  it('a user limited to SCRAM-SHA-512 cannot use PLAIN, and can use SCRAM-SHA-512', async () => {
    const refused = client({ mechanism: 'plain', username: 'scram-only', password: 'scram-secret' }, 'limited').admin();
    await assert.rejects(refused.connect(), { name: 'KafkaJSSASLAuthenticationError' });
    const admin = client({ mechanism: 'scram-sha-512', username: 'scram-only', password: 'scram-secret' }, 'limited').admin();
    await admin.connect();
    assert.ok((await admin.listTopics()).includes('sasl-plain'));
    await admin.disconnect();
  });

  it('without TLS the SASL_SSL listener does not answer Kafka requests', async () => {
    const raw = await RawClient.connect(broker.listeners.find((l) => l.name === 'SASL_SSL')!.port);
    raw.send(ApiKey.ApiVersions, 0, {});
    assert.equal(await raw.nextFrame(), null); // the TLS server drops bytes that are no ClientHello
  });
});

describe('PLAINTEXT and SASL_SSL listeners on one broker', () => {
  it('the PLAINTEXT listener serves a client without credentials and advertises itself', async () => {
    const kafka = new Kafka({ clientId: 'plaintext', brokers: [plain], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    assert.deepEqual(brokers.map((b) => `${b.host}:${b.port}`), [plain]);
    assert.ok((await admin.listTopics()).includes('sasl-plain'), 'topics written over SASL_SSL are seen');
    await admin.disconnect();
  });

  it('the SASL_SSL listener advertises its own port, not the PLAINTEXT one', async () => {
    const admin = client({ mechanism: 'plain', username: 'alice', password: 'alice-secret' }, 'describe').admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    assert.deepEqual(brokers.map((b) => `${b.host}:${b.port}`), [secure]);
    assert.notEqual(secure, plain);
    await admin.disconnect();
  });
});
