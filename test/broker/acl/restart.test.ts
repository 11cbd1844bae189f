// allow.everyone.if.no.acl.found and persistence: with the option on, a topic
// without ACLs is open to the anonymous PLAINTEXT user while one with an ACL for
// someone else is closed; after a restart on the same data dir the ACLs (kept in
// acls.json) still apply and are still described.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Admin, Kafka } from 'kafkajs';
import { startTestBroker, tempDir, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { startBroker, type RunningBroker } from '../../../src/broker/index.js';

const kafkajs = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
const { AclOperationTypes: Op, AclPermissionTypes: Perm, AclResourceTypes: Res, ResourcePatternTypes: Pattern } = kafkajs;

const dataDir = tempDir('tributary-acl-restart-');
const options = { authorizer: true, allowEveryoneIfNoAclFound: true, port: 0, dataDir } as const;
let broker: RunningBroker | TestBroker;

before(async () => {
  broker = await startTestBroker(options);
});

after(async () => {
  await broker.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function withAdmin<T>(kafka: Kafka, run: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.disconnect();
  }
}

async function produce(kafka: Kafka, topic: string): Promise<string | undefined> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: 'v' }] });
    return undefined;
  } catch (err) {
    // kafkajs names a Metadata refusal in its message, a Produce one in the error's type.
    const type = (err as { type?: string }).type;
    return type && type !== 'UNKNOWN' ? type : /Topic authorization failed/.test(String(err)) ? 'TOPIC_AUTHORIZATION_FAILED' : String(err);
  } finally {
    await producer.disconnect();
  }
}

const aclFilter = { resourceType: Res.ANY, resourcePatternType: Pattern.ANY, operation: Op.ANY, permissionType: Perm.ANY };

describe('allow.everyone.if.no.acl.found, and a restart', () => {
  it('opens topics without ACLs and keeps closed those with one', async () => {
    const kafka = kafkajsClient(broker.address);
    await withAdmin(kafka, async (admin) => {
      await admin.createTopics({ topics: [{ topic: 'open' }, { topic: 'closed' }] });
      // The cluster has no ACL yet, so the anonymous user may also create ACLs.
      await admin.createAcls({
        acl: [{ resourceType: Res.TOPIC, resourceName: 'closed', resourcePatternType: Pattern.LITERAL, principal: 'User:alice', host: '*', operation: Op.WRITE, permissionType: Perm.ALLOW }],
      });
    });
    assert.equal(await produce(kafka, 'open'), undefined);
    assert.equal(await produce(kafka, 'closed'), 'TOPIC_AUTHORIZATION_FAILED');
  });

  it('keeps the ACLs across a restart', async () => {
    await broker.close();
    broker = await startBroker(options);
    const kafka = kafkajsClient(broker.address);
    const { resources } = await withAdmin(kafka, (admin) => admin.describeAcls(aclFilter));
    assert.deepEqual(resources.map((r) => [r.resourceName, r.acls.map((a) => a.principal)]), [['closed', ['User:alice']]]);
    assert.equal(await produce(kafka, 'closed'), 'TOPIC_AUTHORIZATION_FAILED');
    assert.equal(await produce(kafka, 'open'), undefined);
  });
});
