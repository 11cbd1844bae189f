// A SASL listener's rules, byte by byte with a raw client: before authentication
// only ApiVersions and the SASL APIs are served (anything else closes the
// connection); an unknown mechanism is refused with the enabled list; a wrong
// password gets SASL_AUTHENTICATION_FAILED with a message, then the connection
// closes; SaslHandshake v0 takes a bare token; and re-authentication (KIP-368)
// with connections.max.reauth.ms, on a clock the test moves.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';

let broker: TestBroker;
let now = 1_000_000;
const REAUTH_MS = 60_000;

before(async () => {
  broker = await startTestBroker({
    listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
    sasl: { users: [{ name: 'app', password: 'app-secret' }], mechanisms: ['PLAIN', 'SCRAM-SHA-256'], clock: () => now },
    connectionsMaxReauthMs: REAUTH_MS,
  });
});

after(() => broker.destroy());

const plainToken = (user: string, password: string) => Buffer.from(`\u0000${user}\u0000${password}`);
const METADATA = { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
const connect = () => RawClient.connect(broker.port);

async function authenticated(version = 2): Promise<{ raw: RawClient; lifetime: bigint }> {
  const raw = await connect();
  const hs = await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
  assert.equal(hs.errorCode, ErrorCode.NONE);
  const auth = await raw.request(ApiKey.SaslAuthenticate, version, { authBytes: plainToken('app', 'app-secret') });
  assert.equal(auth.errorCode, ErrorCode.NONE, auth.errorMessage);
  return { raw, lifetime: auth.sessionLifetimeMs };
}

describe('before authentication', () => {
  it('ApiVersions is answered and lists the SASL APIs', async () => {
    const raw = await connect();
    const res = await raw.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    const keys = res.apiKeys.map((k: { apiKey: number }) => k.apiKey);
    assert.ok(keys.includes(ApiKey.SaslHandshake) && keys.includes(ApiKey.SaslAuthenticate));
    raw.close();
  });

  it('a Metadata request closes the connection unanswered', async () => {
    const raw = await connect();
    raw.send(ApiKey.Metadata, 12, METADATA);
    assert.equal(await raw.nextFrame(), null);
  });

  it('SaslAuthenticate before SaslHandshake closes the connection', async () => {
    const raw = await connect();
    raw.send(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken('app', 'app-secret') });
    assert.equal(await raw.nextFrame(), null);
  });

  it('an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled ones, then the connection closes', async () => {
    const raw = await connect();
    const res = await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' });
    assert.equal(res.errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    assert.deepEqual(res.mechanisms, ['PLAIN', 'SCRAM-SHA-256']);
    await raw.waitClosed();
  });

  it('a wrong password gets SASL_AUTHENTICATION_FAILED (58) with a message, then the connection closes', async () => {
    const raw = await connect();
    await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    const res = await raw.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken('app', 'nope') });
    assert.equal(res.errorCode, 58);
    assert.equal(res.errorMessage, 'Authentication failed: Invalid username or password');
    await raw.waitClosed();
  });

  it('an unknown SCRAM user is refused at the first message', async () => {
    const raw = await connect();
    await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
    const res = await raw.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('n,,n=nobody,r=abc') });
    assert.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
    assert.match(res.errorMessage, /Invalid user credentials/);
    await raw.waitClosed();
  });

  it('SaslHandshake v0 is followed by a bare PLAIN token, answered by a bare empty one', async () => {
    const raw = await connect();
    const hs = await raw.request(ApiKey.SaslHandshake, 0, { mechanism: 'PLAIN' });
    assert.equal(hs.errorCode, ErrorCode.NONE);
    raw.writeFrame(plainToken('app', 'app-secret'));
    assert.equal((await raw.nextFrame())!.length, 0);
    const md = await raw.request(ApiKey.Metadata, 12, METADATA);
    assert.equal(md.brokers[0].port, broker.port);
    raw.close();
  });
});

describe('re-authentication (KIP-368)', () => {
  it('SaslAuthenticate v1+ tells the session lifetime (connections.max.reauth.ms)', async () => {
    const { raw, lifetime } = await authenticated(1);
    assert.equal(lifetime, BigInt(REAUTH_MS));
    raw.close();
  });

  it('re-authenticating on the same connection extends the session', async () => {
    const { raw } = await authenticated();
    now += REAUTH_MS - 1;
    const hs = await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    assert.equal(hs.errorCode, ErrorCode.NONE);
    const auth = await raw.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken('app', 'app-secret') });
    assert.equal(auth.errorCode, ErrorCode.NONE);
    now += REAUTH_MS - 1; // past the first session's end, within the second's
    const md = await raw.request(ApiKey.Metadata, 12, METADATA);
    assert.equal(md.brokers.length, 1);
    raw.close();
  });

  it('a request after the session ended closes the connection', async () => {
    const { raw } = await authenticated();
    const md = await raw.request(ApiKey.Metadata, 12, METADATA);
    assert.equal(md.brokers.length, 1);
    now += REAUTH_MS;
    raw.send(ApiKey.Metadata, 12, METADATA);
    assert.equal(await raw.nextFrame(), null);
  });

  it('re-authentication with another mechanism is refused and the connection closed', async () => {
    const { raw } = await authenticated();
    const hs = await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
    assert.notEqual(hs.errorCode, ErrorCode.NONE);
    await raw.waitClosed();
  });

  it('kafkajs re-authenticates on its connections and keeps working past each session\'s end', async () => {
    // A threshold as long as the session: kafkajs re-authenticates before every request.
    const kafka = new Kafka({
      clientId: 'reauth',
      brokers: [broker.address],
      sasl: { mechanism: 'scram-sha-256', username: 'app', password: 'app-secret' },
      reauthenticationThreshold: REAUTH_MS,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of ['reauth-1', 'reauth-2', 'reauth-3']) {
        now += REAUTH_MS; // the previous session is over: without re-authentication the broker would close the connection
        assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] }), true);
      }
      now += REAUTH_MS;
      const topics = await admin.listTopics();
      for (const t of ['reauth-1', 'reauth-2', 'reauth-3']) assert.ok(topics.includes(t), t);
    } finally {
      await admin.disconnect();
    }
  });
});
