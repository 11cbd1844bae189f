// Finding 1 of the abuse review: CreatePartitions had no cap, so one request for
// 2,147,483,647 partitions made partition directories until the open-file limit.
// Now both CreateTopics and CreatePartitions are capped per request
// (max.partitions.per.request) and per broker (max.broker.partitions), answered
// with POLICY_VIOLATION, and nothing beyond a cap is created.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient, freshApiVersions } from '../../helpers/raw-client.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { defaultMetadataRequest } from '../../../src/broker/protocol/messages/metadata-request.js';

const PER_REQUEST = 100;
const PER_BROKER = 60;
let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({ maxPartitionsPerRequest: PER_REQUEST, maxBrokerPartitions: PER_BROKER });
});

after(async () => {
  await broker.destroy();
});

const partitionDirs = () => fs.readdirSync(broker.dataDir).filter((d) => /-\d+$/.test(d)).length;

const createPartitions = (client: RawClient, name: string, count: number, validateOnly = false) =>
  client.request(ApiKey.CreatePartitions, 3, { topics: [{ name, count, assignments: null }], timeoutMs: 5000, validateOnly });

const creatable = (name: string, numPartitions: number) => ({ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] });

test('CreatePartitions for 2,147,483,647 partitions is refused whole and creates nothing', async () => {
  await broker.broker.topics.create('grow-me', 2);
  const dirsBefore = partitionDirs();
  const client = await RawClient.connect(broker.port);
  try {
    const abuse = createPartitions(client, 'grow-me', 2_147_483_647);
    const during = await freshApiVersions(broker.port);
    const res = await abuse;
    const r = res.results[0];
    assert.equal(r.errorCode, ErrorCode.POLICY_VIOLATION);
    assert.match(r.errorMessage, /Excessively large number of partitions per request: 2147483645 requested, max\.partitions\.per\.request is 100/);
    assert.equal(broker.broker.topics.get('grow-me')!.partitions.length, 2);
    assert.equal(partitionDirs(), dirsBefore);
    const afterMs = await freshApiVersions(broker.port);
    console.log(`fresh ApiVersions during the abuse: ${during.toFixed(1)} ms, after: ${afterMs.toFixed(1)} ms`);
  } finally {
    client.close();
  }
});

test('CreatePartitions within the request cap but over max.broker.partitions fails and creates nothing', async () => {
  const held = broker.broker.partitionBudget.held();
  const client = await RawClient.connect(broker.port);
  try {
    // Validate-only sees the same cap.
    const check = await createPartitions(client, 'grow-me', 2 + PER_BROKER, true);
    assert.equal(check.results[0].errorCode, ErrorCode.POLICY_VIOLATION);
    const res = await createPartitions(client, 'grow-me', 2 + PER_BROKER);
    assert.equal(res.results[0].errorCode, ErrorCode.POLICY_VIOLATION);
    assert.match(res.results[0].errorMessage, /would exceed max\.broker\.partitions \(60\)/);
    assert.equal(broker.broker.partitionBudget.held(), held);
    // A decrease is still INVALID_PARTITIONS, as Kafka answers.
    const down = await createPartitions(client, 'grow-me', 1);
    assert.equal(down.results[0].errorCode, ErrorCode.INVALID_PARTITIONS);
    // Growth within both caps works.
    const ok = await createPartitions(client, 'grow-me', 5);
    assert.equal(ok.results[0].errorCode, ErrorCode.NONE);
    assert.equal(broker.broker.topics.get('grow-me')!.partitions.length, 5);
    console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
  } finally {
    client.close();
  }
});

test('CreateTopics adding more than the request cap in all fails every topic, creating none', async () => {
  const client = await RawClient.connect(broker.port);
  try {
    const res = await client.request(ApiKey.CreateTopics, 7, {
      topics: [creatable('many-a', 1), creatable('many-b', PER_REQUEST)],
      timeoutMs: 5000,
      validateOnly: false,
    });
    for (const t of res.topics) assert.equal(t.errorCode, ErrorCode.POLICY_VIOLATION, t.name);
    assert.equal(broker.broker.topics.get('many-a'), undefined);
    assert.equal(broker.broker.topics.get('many-b'), undefined);
  } finally {
    client.close();
  }
});

test('concurrent CreateTopics never pass max.broker.partitions together (kafkajs)', async () => {
  const admin = kafkajsClient(broker.address).admin();
  await admin.connect();
  try {
    const room = PER_BROKER - broker.broker.partitionBudget.held();
    assert.ok(room > 10, `room ${room}`);
    // Each alone fits; no two together do.
    const size = Math.floor(room / 2) + 1;
    const outcomes = await Promise.allSettled(
      [0, 1, 2, 3].map((i) => admin.createTopics({ topics: [{ topic: `race-${i}`, numPartitions: size }], waitForLeaders: false })),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(refused.length, 3);
    for (const o of refused) {
      const cause = (o as PromiseRejectedResult).reason;
      const types = [cause.type, ...(cause.errors ?? []).map((e: { type: string }) => e.type)];
      assert.ok(types.includes('POLICY_VIOLATION'), JSON.stringify(types));
    }
    assert.ok(broker.broker.partitionBudget.held() <= PER_BROKER, `held ${broker.broker.partitionBudget.held()}`);
    assert.equal(partitionDirs(), broker.broker.partitionBudget.held() - internalPartitions());
    console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
  } finally {
    await admin.disconnect();
  }
});

test('auto-creation by Metadata past max.broker.partitions answers the topic with POLICY_VIOLATION', async () => {
  const client = await RawClient.connect(broker.port);
  try {
    const names = Array.from({ length: PER_BROKER }, (_, i) => ({ topicId: '00000000-0000-0000-0000-000000000000', name: `auto-${i}` }));
    const res = await client.request(ApiKey.Metadata, 12, { ...defaultMetadataRequest(), topics: names, allowAutoTopicCreation: true });
    const refused = res.topics.filter((t: { errorCode: number }) => t.errorCode === ErrorCode.POLICY_VIOLATION);
    assert.ok(refused.length > 0);
    assert.equal(broker.broker.partitionBudget.held(), PER_BROKER);
    console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
  } finally {
    client.close();
  }
});

/** Partitions of internal topics, which live in directories the count above does not match. */
function internalPartitions(): number {
  return broker.broker.topics
    .list()
    .filter((t) => !fs.existsSync(`${broker.dataDir}/${t.name}-0`))
    .reduce((n, t) => n + t.partitions.length, 0);
}
