// `tributary start` with its embedded broker on a SASL_SSL listener only
// (BROKER_LISTENERS, BROKER_SASL_USERS, BROKER_TLS_*), the services connecting
// with the settings a managed cluster needs (SASL_MECHANISM, SASL_USERNAME,
// SASL_PASSWORD, KAFKA_SSL_CA_FILE): it starts, serves a POST, and stops cleanly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli.js';
import { kcat } from '../helpers/kcat.js';
import { makeTestCerts, type TestCerts } from '../helpers/tls-certs.js';
import { seedPGlite } from '../helpers/pglite.js';

let certs: TestCerts;
let dir: string;

before(async () => {
  certs = makeTestCerts();
  dir = tempDir('tributary-start-secured-');
  await seedPGlite(`${dir}/db`); // a copy of an initialised database: no PGlite set-up in the test
  fs.writeFileSync(path.join(dir, 'users.json'), JSON.stringify([{ name: 'tributary', password: 'start-secret' }]));
});

after(() => {
  certs.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tributary start on a secured broker', () => {
  test('the services connect over SASL_SSL with SCRAM-SHA-256 and the API serves', async () => {
    const app = spawnCli(['start'], {
      env: {
        LOG_LEVEL: process.env.START_LOG ?? 'warn',
        DATA_DIR: dir,
        PORT: '0',
        HOST: '',
        KAFKA_BROKERS: '',
        DATABASE_URL: '',
        BROKER_LISTENERS: 'SASL_SSL://127.0.0.1:0',
        BROKER_SASL_USERS: path.join(dir, 'users.json'),
        BROKER_TLS_CERT: certs.serverCert,
        BROKER_TLS_KEY: certs.serverKey,
        SASL_MECHANISM: 'SCRAM-SHA-256',
        SASL_USERNAME: 'tributary',
        SASL_PASSWORD: 'start-secret',
        KAFKA_SSL_CA_FILE: certs.caCert,
      },
    });
    let code: number | null;
    try {
      const [, url, kafka] = await app.ready(/API\s+(http:\/\/\S+)[\s\S]*Kafka\s+(\S+) \(embedded[\s\S]*Press Ctrl\+C/);
      const res = await fetch(`${url}/api/soccer_players`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"count":2}' });
      assert.equal(res.status, 201, await res.clone().text());
      const players = (await res.json()) as { id: string }[];
      // The records are on the topic, read over SASL_SSL by kcat.
      const read = await kcat([
        '-b', kafka!, '-C', '-t', 'soccer_players', '-o', 'beginning', '-e', '-q',
        '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanisms=PLAIN',
        '-X', 'sasl.username=tributary', '-X', 'sasl.password=start-secret', '-X', `ssl.ca.location=${certs.caCert}`,
      ]);
      assert.equal(read.code, 0, read.stderr);
      for (const p of players) assert.ok(read.stdout.includes(p.id), `player ${p.id} on the topic`);
    } finally {
      code = await app.stop();
    }
    assert.equal(code, 0, app.output());
    if (process.env.START_LOG) console.log(app.output());
  });
});
