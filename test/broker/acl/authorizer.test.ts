// The authorizer enforced over SASL_PLAINTEXT (PLAIN) with real clients: alice may
// write `orders`, bob may read it with his group, admin is a super user. DENY
// beats ALLOW, a PREFIXED ACL covers the topics it prefixes, a transactional id
// needs its own WRITE, Metadata lists only the topics a user may describe, and
// kcat is refused with the authorization error the broker answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kcat } from '../../helpers/kcat.js';

const kafkajs = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
const { AclOperationTypes: Op, AclPermissionTypes: Perm, AclResourceTypes: Res, ResourcePatternTypes: Pattern } = kafkajs;

const password = (user: string) => `${user}-secret`;
let broker: TestBroker;
let admin: Admin;

function client(user: string, retries = 0): Kafka {
  return new Kafka({
    clientId: `acl-${user}`,
    brokers: [broker.address],
    sasl: { mechanism: 'plain', username: user, password: password(user) },
    logLevel: logLevel.NOTHING,
    retry: { retries },
  });
}

/** The Kafka error type of a kafkajs failure, however deeply kafkajs wrapped it. */
function errorType(err: unknown): string | undefined {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e; e = (e.cause ?? e.originalError) as typeof e) {
    if (e.type && e.type !== 'UNKNOWN') return e.type;
  }
  return undefined;
}

const allow = (principal: string, resourceType: number, resourceName: string, operation: number, resourcePatternType: number = Pattern.LITERAL) => ({
  resourceType, resourceName, resourcePatternType, principal, host: '*', operation, permissionType: Perm.ALLOW,
});

before(async () => {
  broker = await startTestBroker({
    listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
    sasl: { users: ['alice', 'bob', 'admin'].map((name) => ({ name, password: password(name), mechanisms: ['PLAIN' as const] })), mechanisms: ['PLAIN'] },
    authorizer: true,
    superUsers: ['User:admin'],
    autoCreateTopics: false,
    groupInitialRebalanceDelayMs: 0,
  });
  admin = client('admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: ['orders', 'payments', 'logs-app', 'secret'].map((topic) => ({ topic })) });
  await admin.createAcls({
    acl: [
      allow('User:alice', Res.TOPIC, 'orders', Op.WRITE),
      allow('User:bob', Res.TOPIC, 'orders', Op.READ),
      allow('User:bob', Res.GROUP, 'bob-group', Op.READ),
      allow('User:bob', Res.GROUP, 'watched-group', Op.DESCRIBE),
      // DENY beats ALLOW: alice may do all on payments but writing.
      allow('User:alice', Res.TOPIC, 'payments', Op.ALL),
      { ...allow('User:alice', Res.TOPIC, 'payments', Op.WRITE), permissionType: Perm.DENY },
      allow('User:bob', Res.TOPIC, 'logs-', Op.WRITE, Pattern.PREFIXED),
      allow('User:alice', Res.TRANSACTIONAL_ID, 'alice-tx', Op.WRITE),
    ],
  });
});

after(async () => {
  await admin.disconnect();
  await broker.destroy();
});

async function send(user: string, topic: string, value: string): Promise<string | undefined> {
  const producer = client(user).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'k', value }] });
    return undefined;
  } catch (err) {
    return errorType(err) ?? String(err);
  } finally {
    await producer.disconnect();
  }
}

describe('ACLs enforced over SASL PLAIN', () => {
  it('alice, with WRITE on orders, produces; bob, without it, gets TOPIC_AUTHORIZATION_FAILED', async () => {
    assert.equal(await send('alice', 'orders', 'first'), undefined);
    assert.equal(await send('alice', 'orders', 'second'), undefined);
    assert.equal(await send('bob', 'orders', 'not-allowed'), 'TOPIC_AUTHORIZATION_FAILED');
  });

  it('bob, with READ on orders and on his group, consumes what alice wrote', async () => {
    const consumer = client('bob').consumer({ groupId: 'bob-group' });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
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
      assert.deepEqual(seen, ['first', 'second']);
    } finally {
      await consumer.disconnect();
    }
  });

  it('joining a group bob may only describe is refused with GROUP_AUTHORIZATION_FAILED', async () => {
    const consumer = client('bob').consumer({ groupId: 'watched-group', retry: { retries: 0, restartOnFailure: async () => false } });
    await consumer.connect();
    try {
      const crashed = new Promise<unknown>((resolve) => consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)));
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await consumer.run({ eachMessage: async () => {} });
      assert.equal(errorType(await crashed), 'GROUP_AUTHORIZATION_FAILED');
    } finally {
      await consumer.disconnect();
    }
  });

  it('DENY beats ALLOW: alice may not write payments despite ALL', async () => {
    assert.equal(await send('alice', 'payments', 'denied'), 'TOPIC_AUTHORIZATION_FAILED');
  });

  it('a PREFIXED ACL covers the topics it prefixes', async () => {
    assert.equal(await send('bob', 'logs-app', 'line'), undefined);
    const offsets = await admin.fetchTopicOffsets('logs-app');
    assert.equal(offsets[0]!.high, '1');
  });

  it('Metadata lists only the topics each user may describe', async () => {
    const list = async (user: string) => {
      const a = client(user).admin();
      await a.connect();
      try {
        return (await a.listTopics()).filter((t) => !t.startsWith('__')).sort();
      } finally {
        await a.disconnect();
      }
    };
    assert.deepEqual(await list('bob'), ['logs-app', 'orders']);
    assert.deepEqual(await list('alice'), ['orders', 'payments']);
    assert.deepEqual(await list('admin'), ['logs-app', 'orders', 'payments', 'secret']);
  });

  it('only the super user manages ACLs: alice gets CLUSTER_AUTHORIZATION_FAILED', async () => {
    const a = client('alice').admin();
    await a.connect();
    try {
      await assert.rejects(
        a.createAcls({ acl: [allow('User:alice', Res.TOPIC, 'secret', Op.ALL)] }),
        (err) => errorType(err) === 'CLUSTER_AUTHORIZATION_FAILED',
      );
    } finally {
      await a.disconnect();
    }
  });

  it('a transactional producer needs WRITE on its transactional id', async () => {
    const transactional = async (transactionalId: string) => {
      // kafkajs wants retries for an idempotent producer; authorization failures are not retried.
      const producer = client('alice', 2).producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        const txn = await producer.transaction();
        await txn.send({ topic: 'orders', messages: [{ value: `in-${transactionalId}` }] });
        await txn.commit();
        return undefined;
      } catch (err) {
        return errorType(err) ?? String(err);
      } finally {
        await producer.disconnect();
      }
    };
    // FindCoordinator refuses the id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), which kafkajs reports as no coordinator found.
    assert.match((await transactional('alice-other')) ?? 'succeeded', /TRANSACTIONAL_ID_AUTHORIZATION_FAILED|Failed to find group coordinator/);
    assert.equal(await transactional('alice-tx'), undefined);
  });

  it('kcat producing as bob to orders is refused with the authorization error', async () => {
    const res = await kcat(
      ['-b', broker.address, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=bob', '-X', `sasl.password=${password('bob')}`, '-P', '-t', 'orders'],
      'from-kcat\n',
    );
    assert.match(res.stderr, /Topic authorization failed/i);
    const offsets = await admin.fetchTopicOffsets('orders');
    // alice's two records and her committed transaction (a record and its marker); nothing of bob's.
    assert.equal(offsets[0]!.high, '4');
  });
});
