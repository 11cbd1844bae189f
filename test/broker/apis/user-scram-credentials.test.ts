// DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554) over a raw
// connection: a user added at run time authenticates with SCRAM at once (kafkajs
// on the SASL listener), is described with its mechanisms and iterations, and
// cannot authenticate once deleted; Kafka's per-user errors; the changes
// survive a restart (kept in the data directory, without passwords).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';

const SHA256 = 1;
const SHA512 = 2;

let broker: TestBroker;
let admin: RawClient;
let saslAddress: string;

const options = {
  listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
  sasl: { users: [{ name: 'from-options', password: 'options-secret', mechanisms: ['SCRAM-SHA-512' as const] }] },
};

async function start(dataDir?: string): Promise<void> {
  broker = await startTestBroker({ ...options, ...(dataDir ? { dataDir } : {}) });
  admin = await RawClient.connect(broker.listeners[0]!.port);
  saslAddress = broker.listeners[1]!.address;
}

before(() => start());

after(async () => {
  admin.close();
  await broker.destroy();
});

/** What a client sends: a salt and the salted password (RFC 5802 Hi), not the password. */
function upsertion(name: string, mechanism: number, password: string, iterations = 4096) {
  const salt = crypto.randomBytes(16);
  const [hash, bytes] = mechanism === SHA256 ? ['sha256', 32] as const : ['sha512', 64] as const;
  return { name, mechanism, iterations, salt, saltedPassword: crypto.pbkdf2Sync(password, salt, iterations, bytes, hash) };
}

const alter = (deletions: { name: string; mechanism: number }[], upsertions: ReturnType<typeof upsertion>[]) =>
  admin.request(ApiKey.AlterUserScramCredentials, 0, { deletions, upsertions });
const describeUsers = (users: string[] | null) => admin.request(ApiKey.DescribeUserScramCredentials, 0, { users: users?.map((name) => ({ name })) ?? null });

async function canConnect(mechanism: 'scram-sha-256' | 'scram-sha-512', username: string, password: string): Promise<boolean> {
  const kafka = new Kafka({ clientId: 'scram-admin-test', brokers: [saslAddress], sasl: { mechanism, username, password } as SASLOptions, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const a = kafka.admin();
  try {
    await a.connect();
    await a.listTopics();
    return true;
  } catch (err) {
    if ((err as Error).name === 'KafkaJSSASLAuthenticationError') return false;
    throw err;
  } finally {
    await a.disconnect();
  }
}

describe('SCRAM credentials at run time', () => {
  it('a user added by AlterUserScramCredentials authenticates with SCRAM at once', async () => {
    assert.equal(await canConnect('scram-sha-256', 'added', 'added-secret'), false);
    const res = await alter([], [upsertion('added', SHA256, 'added-secret'), upsertion('added', SHA512, 'added-secret', 8192)]);
    assert.deepEqual(res.results, [{ user: 'added', errorCode: 0, errorMessage: null }]);
    assert.equal(await canConnect('scram-sha-256', 'added', 'added-secret'), true);
    assert.equal(await canConnect('scram-sha-512', 'added', 'added-secret'), true);
    assert.equal(await canConnect('scram-sha-256', 'added', 'not-it'), false);
  });

  it('DescribeUserScramCredentials lists every user, or the ones named, with mechanisms and iterations', async () => {
    const all = await describeUsers(null);
    assert.equal(all.errorCode, ErrorCode.NONE);
    assert.deepEqual(
      all.results.map((r: any) => [r.user, r.credentialInfos.map((c: any) => [c.mechanism, c.iterations]).sort()]),
      [
        ['added', [[SHA256, 4096], [SHA512, 8192]]],
        ['from-options', [[SHA512, 4096]]],
      ],
    );
    const named = await describeUsers(['from-options', 'nobody', 'twice', 'twice']);
    assert.deepEqual(
      named.results.map((r: any) => [r.user, r.errorCode]),
      [['from-options', 0], ['nobody', ErrorCode.RESOURCE_NOT_FOUND], ['twice', ErrorCode.DUPLICATE_RESOURCE]],
    );
  });

  it('a deleted credential no longer authenticates; the user\'s other mechanism still does', async () => {
    const res = await alter([{ name: 'added', mechanism: SHA256 }], []);
    assert.equal(res.results[0].errorCode, ErrorCode.NONE);
    assert.equal(await canConnect('scram-sha-256', 'added', 'added-secret'), false);
    assert.equal(await canConnect('scram-sha-512', 'added', 'added-secret'), true);
  });

  it('Kafka\'s errors, one result per user, and a failing user changes nothing', async () => {
    const res = await alter(
      [{ name: 'ghost', mechanism: SHA256 }],
      [
        upsertion('few', SHA256, 'x', 1000),
        upsertion('many', SHA256, 'x', 20000),
        { ...upsertion('unknown-mech', SHA256, 'x'), mechanism: 0 },
        upsertion('dup', SHA512, 'x'),
        upsertion('dup', SHA512, 'y'),
        upsertion('', SHA256, 'x'),
      ],
    );
    assert.deepEqual(
      res.results.map((r: any) => [r.user, r.errorCode, r.errorMessage]),
      [
        ['ghost', ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'],
        ['few', ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations'],
        ['many', ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations'],
        ['unknown-mech', ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism'],
        ['dup', ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'],
        ['', ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'],
      ],
    );
    const after = await describeUsers(['dup']);
    assert.equal(after.results[0].errorCode, ErrorCode.RESOURCE_NOT_FOUND, 'the refused upsertions were not applied');
  });

  it('the changes survive a restart: added users authenticate, deleted ones do not, and no password is on disk', async () => {
    await alter([{ name: 'from-options', mechanism: SHA512 }], [upsertion('kept', SHA256, 'kept-secret')]);
    admin.close();
    await broker.close();
    const text = fs.readFileSync(path.join(broker.dataDir, 'scram-credentials.json'), 'utf8');
    assert.ok(!text.includes('kept-secret') && text.includes('storedKey'));
    await start(broker.dataDir);
    assert.equal(await canConnect('scram-sha-256', 'kept', 'kept-secret'), true);
    assert.equal(await canConnect('scram-sha-512', 'added', 'added-secret'), true);
    assert.equal(await canConnect('scram-sha-512', 'from-options', 'options-secret'), false, 'deleted at run time, not restored from the options');
  });
});
