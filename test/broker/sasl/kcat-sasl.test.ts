// kcat (librdkafka) over SASL_SSL with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512,
// configured as for a managed cluster (-X security.protocol=SASL_SSL ...):
// produce then consume back; and a wrong password makes kcat fail naming the
// authentication failure.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { makeTestCerts, type TestCerts } from '../../helpers/tls-certs.js';
import { kcat } from '../../helpers/kcat.js';

let broker: TestBroker;
let certs: TestCerts;

before(async () => {
  certs = makeTestCerts();
  broker = await startTestBroker({
    listeners: 'SASL_SSL://127.0.0.1:0',
    sasl: { users: [{ name: 'kcat-user', password: 'kcat-secret' }] },
    tls: { cert: certs.serverCert, key: certs.serverKey },
  });
});

after(async () => {
  await broker.destroy();
  certs.remove();
});

function secured(mechanism: string, password: string): string[] {
  return [
    '-b', broker.address,
    '-X', 'security.protocol=SASL_SSL',
    '-X', `sasl.mechanisms=${mechanism}`,
    '-X', 'sasl.username=kcat-user',
    '-X', `sasl.password=${password}`,
    '-X', `ssl.ca.location=${certs.caCert}`,
  ];
}

describe('kcat over SASL_SSL', () => {
  for (const mechanism of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']) {
    it(`${mechanism}: produces and consumes`, async () => {
      const topic = `kcat-${mechanism.toLowerCase()}`;
      const produced = await kcat([...secured(mechanism, 'kcat-secret'), '-P', '-t', topic, '-k', 'k'], 'one\ntwo\n');
      assert.equal(produced.code, 0, produced.stderr);
      const consumed = await kcat([...secured(mechanism, 'kcat-secret'), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n']);
      assert.equal(consumed.code, 0, consumed.stderr);
      assert.deepEqual(consumed.stdout.trimEnd().split('\n'), ['k=one', 'k=two']);
    });
  }

  for (const mechanism of ['PLAIN', 'SCRAM-SHA-512']) {
    it(`${mechanism} with a wrong password fails with the authentication error`, async () => {
      // -m 1: give up waiting for metadata after a second (the failure comes at once).
      const res = await kcat([...secured(mechanism, 'not-the-password'), '-L', '-m', '1']);
      assert.notEqual(res.code, 0);
      assert.match(res.stderr, /SASL authentication error: Authentication failed/);
    });
  }
});
