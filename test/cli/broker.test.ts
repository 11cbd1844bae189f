// `tributary broker` with secured listeners, as a user runs it: a PLAINTEXT and
// a SASL_SSL listener from --listeners, users from --sasl-users, certificate from
// --tls-cert/--tls-key; kcat reaches both, and the SASL_SSL one only with the
// right password and an enabled mechanism (--config sasl.enabled.mechanisms).
// Then the same from the environment (BROKER_LISTENERS, ...).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli.js';
import { kcat } from '../helpers/kcat.js';
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js';

let certs: TestCerts;
let dir: string;
let usersFile: string;

before(() => {
  certs = makeTestCerts();
  dir = tempDir('tributary-broker-cli-');
  usersFile = path.join(dir, 'users.json');
  fs.writeFileSync(usersFile, JSON.stringify({ users: [{ name: 'cli-user', password: 'cli-secret', mechanisms: ['SCRAM-SHA-256'] }] }));
});

after(() => {
  certs.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sasl = (address: string, password: string) => [
  '-b', address, '-L', '-m', '5',
  '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=SCRAM-SHA-256',
  '-X', 'sasl.username=cli-user', '-X', `sasl.password=${password}`,
  '-X', `ssl.ca.location=${certs.caCert}`,
];

const BANNER = /Kafka-compatible broker on PLAINTEXT:\/\/(127\.0\.0\.1:\d+), SASL_SSL:\/\/(127\.0\.0\.1:\d+)/;

describe('tributary broker with listeners, SASL and TLS', () => {
  it('from flags: both listeners serve, the SASL_SSL one with the right password only', async () => {
    const broker = spawnCli([
      'broker', '--data-dir', path.join(dir, 'flags'),
      '--listeners', 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      '--sasl-users', usersFile, '--tls-cert', certs.serverCert, '--tls-key', certs.serverKey,
      '--config', 'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512',
    ]);
    try {
      const [, plain, secure] = await broker.ready(BANNER);
      const open = await kcat(['-b', plain!, '-L', '-m', '5']);
      assert.equal(open.code, 0, open.stderr);
      assert.match(open.stdout, new RegExp(`broker 1 at ${plain}`));
      const ok = await kcat(sasl(secure!, 'cli-secret'));
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, new RegExp(`broker 1 at ${secure}`));
      const refused = await kcat(sasl(secure!, 'wrong').map((a) => (a === '5' ? '1' : a)));
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Authentication failed/);
      // PLAIN is not among sasl.enabled.mechanisms.
      const plainRefused = await kcat(sasl(secure!, 'cli-secret').map((a) => (a === 'sasl.mechanisms=SCRAM-SHA-256' ? 'sasl.mechanisms=PLAIN' : a === '5' ? '1' : a)));
      assert.notEqual(plainRefused.code, 0);
      assert.match(plainRefused.stderr, /Unsupported SASL mechanism: broker's supported mechanisms: SCRAM-SHA-256,SCRAM-SHA-512/);
    } finally {
      assert.equal(await broker.stop(), 0, broker.output());
    }
  });

  it('from the environment: BROKER_LISTENERS, BROKER_SASL_USERS, BROKER_TLS_CERT, BROKER_TLS_KEY', async () => {
    const broker = spawnCli(['broker', '--data-dir', path.join(dir, 'env')], {
      env: {
        BROKER_LISTENERS: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
        BROKER_SASL_USERS: usersFile,
        BROKER_TLS_CERT: certs.serverCert,
        BROKER_TLS_KEY: certs.serverKey,
      },
    });
    try {
      const [, , secure] = await broker.ready(BANNER);
      const ok = await kcat(sasl(secure!, 'cli-secret'));
      assert.equal(ok.code, 0, ok.stderr);
    } finally {
      assert.equal(await broker.stop(), 0, broker.output());
    }
  });

  it('a SASL listener without users is refused at start, naming what is missing', async () => {
    const broker = spawnCli(['broker', '--data-dir', path.join(dir, 'bad'), '--listeners', 'SASL_PLAINTEXT://127.0.0.1:0']);
    assert.notEqual(await broker.exited(), 0);
    assert.match(broker.stderr(), /SASL listener needs sasl options/);
  });
});
