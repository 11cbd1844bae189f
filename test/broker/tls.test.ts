// An SSL listener with mutual TLS: a client with a certificate signed by the CA
// is served (kafkajs produces and reads back; kcat lists metadata); one without
// a certificate, or one that does not trust the broker's CA, is not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js';
import { kcat } from '../helpers/kcat.js';

let broker: TestBroker;
let certs: TestCerts;

before(async () => {
  certs = makeTestCerts();
  broker = await startTestBroker({
    listeners: 'SSL://127.0.0.1:0',
    tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.caCert, requestCert: true },
  });
});

after(async () => {
  await broker.destroy();
  certs.remove();
});

const kafka = (ssl: object) => new Kafka({ clientId: 'tls-test', brokers: [broker.address], ssl, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 5000 });

describe('an SSL listener with client certificates required', () => {
  it('kafkajs with a client certificate produces and reads the offsets back', async () => {
    const client = kafka({ ca: [certs.caPem], cert: fs.readFileSync(certs.clientCert, 'utf8'), key: fs.readFileSync(certs.clientKey, 'utf8') });
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: 'tls', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    const admin = client.admin();
    await admin.connect();
    assert.deepEqual((await admin.fetchTopicOffsets('tls')).map((p) => p.high), ['2']);
    await admin.disconnect();
  });

  it('kafkajs without a client certificate is refused', async () => {
    const admin = kafka({ ca: [certs.caPem] }).admin();
    await assert.rejects(admin.connect());
  });

  it('kafkajs that does not trust the broker certificate\'s CA is refused', async () => {
    const admin = kafka({ rejectUnauthorized: true }).admin();
    await assert.rejects(admin.connect(), /self[- ]signed|unable to (get|verify)/i);
  });

  it('kcat with security.protocol=SSL and its certificate lists the broker', async () => {
    const res = await kcat([
      '-b', broker.address, '-L', '-m', '5',
      '-X', 'security.protocol=SSL',
      '-X', `ssl.ca.location=${certs.caCert}`,
      '-X', `ssl.certificate.location=${certs.clientCert}`,
      '-X', `ssl.key.location=${certs.clientKey}`,
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`broker 1 at ${broker.address}`));
  });
});
