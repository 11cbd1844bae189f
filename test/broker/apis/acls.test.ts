// CreateAcls, DescribeAcls and DeleteAcls through kafkajs 2.2.4's admin client,
// with the filters Kafka applies (LITERAL, PREFIXED, MATCH, ANY; principal, host,
// operation, permission), INVALID_REQUEST for ACLs Kafka refuses, and
// SECURITY_DISABLED from a broker without an authorizer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Admin } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';

// kafkajs's ACL enums, which its CommonJS entry does not name for ESM imports.
const kafkajs = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
const { AclOperationTypes: Op, AclPermissionTypes: Perm, AclResourceTypes: Res, ResourcePatternTypes: Pattern } = kafkajs;

let broker: TestBroker;
let admin: Admin;

before(async () => {
  // The anonymous PLAINTEXT user is the super user that manages ACLs here.
  broker = await startTestBroker({ authorizer: true, superUsers: ['User:ANONYMOUS'] });
  admin = kafkajsClient(broker.address).admin();
  await admin.connect();
});

after(async () => {
  await admin.disconnect();
  await broker.destroy();
});

const acl = (over: Partial<Parameters<Admin['createAcls']>[0]['acl'][number]> = {}) => ({
  resourceType: Res.TOPIC,
  resourceName: 'orders',
  resourcePatternType: Pattern.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.WRITE,
  permissionType: Perm.ALLOW,
  ...over,
});

const anyFilter = {
  resourceType: Res.ANY,
  resourcePatternType: Pattern.ANY,
  operation: Op.ANY,
  permissionType: Perm.ANY,
};

describe('ACL admin calls', () => {
  before(async () => {
    await admin.createAcls({
      acl: [
        acl(),
        acl({ operation: Op.READ, principal: 'User:bob' }),
        acl({ resourceName: 'logs-', resourcePatternType: Pattern.PREFIXED, principal: 'User:bob', operation: Op.READ }),
        acl({ resourceName: '*', principal: 'User:carol', operation: Op.DESCRIBE, permissionType: Perm.DENY, host: '10.0.0.1' }),
        acl({ resourceType: Res.GROUP, resourceName: 'billing', principal: 'User:bob', operation: Op.READ }),
      ],
    });
  });

  it('describes every ACL, grouped by resource pattern', async () => {
    const { resources } = await admin.describeAcls(anyFilter);
    const summary = resources
      .map((r) => `${r.resourceType}:${r.resourceName}:${r.resourcePatternType}=${r.acls.map((a) => `${a.principal}/${a.operation}`).sort().join(',')}`)
      .sort();
    assert.deepEqual(summary, [
      `${Res.GROUP}:billing:${Pattern.LITERAL}=User:bob/${Op.READ}`,
      `${Res.TOPIC}:*:${Pattern.LITERAL}=User:carol/${Op.DESCRIBE}`,
      `${Res.TOPIC}:logs-:${Pattern.PREFIXED}=User:bob/${Op.READ}`,
      `${Res.TOPIC}:orders:${Pattern.LITERAL}=User:alice/${Op.WRITE},User:bob/${Op.READ}`,
    ].sort());
  });

  it('filters by pattern type, name, principal, host, operation and permission', async () => {
    const count = async (f: Partial<typeof anyFilter> & Record<string, unknown>) =>
      (await admin.describeAcls({ ...anyFilter, ...f } as Parameters<Admin['describeAcls']>[0])).resources.flatMap((r) => r.acls).length;
    assert.equal(await count({ resourceType: Res.TOPIC, resourceName: 'logs-app', resourcePatternType: Pattern.MATCH }), 2, 'MATCH: the prefix and the wildcard');
    assert.equal(await count({ resourceType: Res.TOPIC, resourceName: 'orders', resourcePatternType: Pattern.MATCH }), 3, 'MATCH: the literal (two) and the wildcard');
    assert.equal(await count({ resourcePatternType: Pattern.PREFIXED }), 1);
    assert.equal(await count({ resourceName: 'orders', resourcePatternType: Pattern.LITERAL }), 2);
    assert.equal(await count({ principal: 'User:bob' }), 3);
    assert.equal(await count({ host: '10.0.0.1' }), 1);
    assert.equal(await count({ operation: Op.READ }), 3);
    assert.equal(await count({ permissionType: Perm.DENY }), 1);
    assert.equal(await count({ resourceType: Res.GROUP }), 1);
  });

  it('deletes what each filter selects and answers the ACLs removed', async () => {
    const { filterResponses } = await admin.deleteAcls({
      filters: [
        { ...anyFilter, principal: 'User:bob', resourceType: Res.TOPIC },
        { ...anyFilter, resourceType: Res.CLUSTER },
      ],
    });
    assert.equal(filterResponses.length, 2);
    assert.equal(filterResponses[0]!.errorCode, 0);
    assert.deepEqual(filterResponses[0]!.matchingAcls.map((a) => a.resourceName).sort(), ['logs-', 'orders']);
    assert.deepEqual(filterResponses[1]!.matchingAcls, []);
    const { resources } = await admin.describeAcls({ ...anyFilter, principal: 'User:bob' });
    assert.deepEqual(resources.map((r) => r.resourceName), ['billing']);
  });

  it('refuses ACLs Kafka refuses with INVALID_REQUEST, creating the valid ones', async () => {
    const client = await RawClient.connect(broker.port);
    try {
      const creation = { resourceType: 2, resourceName: 'valid', resourcePatternType: 3, principal: 'User:dave', host: '*', operation: 4, permissionType: 3 };
      const res = await client.request(ApiKey.CreateAcls, 3, {
        creations: [
          creation,
          { ...creation, resourcePatternType: 2 }, // MATCH is only for filters
          { ...creation, operation: 1 }, // ANY
          { ...creation, principal: 'dave' }, // no principal type
          { ...creation, resourceType: 4 }, // a cluster not named kafka-cluster
        ],
      });
      assert.deepEqual(res.results.map((r: { errorCode: number }) => r.errorCode), [ErrorCode.NONE, ...Array(4).fill(ErrorCode.INVALID_REQUEST)]);
      const described = await client.request(ApiKey.DescribeAcls, 3, {
        resourceTypeFilter: 2, resourceNameFilter: null, patternTypeFilter: 0, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1,
      });
      assert.equal(described.errorCode, ErrorCode.INVALID_REQUEST, 'UNKNOWN pattern type in a filter');
    } finally {
      client.close();
    }
    const { resources } = await admin.describeAcls({ ...anyFilter, principal: 'User:dave' });
    assert.deepEqual(resources.map((r) => r.resourceName), ['valid']);
  });
});

describe('authorized operations', () => {
  it('Metadata v10 and DescribeCluster report what the caller may do when asked', async () => {
    await admin.createTopics({ topics: [{ topic: 'ops-topic' }] });
    const client = await RawClient.connect(broker.port);
    try {
      const md = await client.request(ApiKey.Metadata, 10, {
        topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: 'ops-topic' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: true,
        includeTopicAuthorizedOperations: true,
      });
      // The super user: READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS.
      const topicOps = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);
      assert.equal(md.topics[0].topicAuthorizedOperations, topicOps);
      const clusterOps = [5, 9, 10, 11, 12, 7, 8].reduce((bits, op) => bits | (1 << op), 0);
      assert.equal(md.clusterAuthorizedOperations, clusterOps);
      const cluster = await client.request(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: true, endpointType: 1 });
      assert.equal(cluster.clusterAuthorizedOperations, clusterOps);
    } finally {
      client.close();
    }
  });
});

describe('without an authorizer', () => {
  let plain: TestBroker;
  before(async () => {
    plain = await startTestBroker();
  });
  after(() => plain.destroy());

  it('the ACL APIs answer SECURITY_DISABLED', async () => {
    const other = kafkajsClient(plain.address).admin();
    await other.connect();
    try {
      await assert.rejects(other.createAcls({ acl: [acl()] }), (err: Error & { type?: string }) => err.type === 'SECURITY_DISABLED');
      await assert.rejects(other.describeAcls(anyFilter), (err: Error & { type?: string }) => err.type === 'SECURITY_DISABLED');
      await assert.rejects(other.deleteAcls({ filters: [anyFilter] }), (err: Error & { type?: string }) => err.type === 'SECURITY_DISABLED');
    } finally {
      await other.disconnect();
    }
  });
});
