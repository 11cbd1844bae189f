// Topic configs as Kafka 3.9 has them (every one of them): DescribeConfigs v3+ reports each one's
// ConfigType (LONG 5, INT 3, ...), and the deprecated 3.x configs
// message.timestamp.difference.max.ms, message.format.version and
// message.downconversion.enable are accepted on CreateTopics, AlterConfigs and
// IncrementalAlterConfigs with Kafka's defaults and validation (what the first
// does to produced records: record-errors.test.ts). kafkajs for
// what it speaks (DescribeConfigs v2 has no config type), raw requests for the rest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsAdmin } from '../../helpers/kafkajs.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';

const TOPIC_RESOURCE = 2;
const SET = 0;
/** DescribeConfigs configSource: DEFAULT_CONFIG. */
const DEFAULT_CONFIG = 5;

// Kafka's TopicConfig definitions (LogConfig), by ConfigType code.
const KAFKA_TYPES: Record<string, number> = {
  'cleanup.policy': 7,
  'compression.type': 2,
  'delete.retention.ms': 5,
  'file.delete.delay.ms': 5,
  'flush.messages': 5,
  'flush.ms': 5,
  'index.interval.bytes': 3,
  'max.compaction.lag.ms': 5,
  'max.message.bytes': 3,
  'message.downconversion.enable': 1,
  'message.format.version': 2,
  'message.timestamp.difference.max.ms': 5,
  'message.timestamp.type': 2,
  'min.cleanable.dirty.ratio': 6,
  'min.compaction.lag.ms': 5,
  'min.insync.replicas': 3,
  'preallocate': 1,
  'retention.bytes': 5,
  'retention.ms': 5,
  'segment.bytes': 3,
  'segment.index.bytes': 3,
  'segment.jitter.ms': 5,
  'segment.ms': 5,
  'unclean.leader.election.enable': 1,
  // The rest of Kafka 3.9's topic configs.
  'compression.gzip.level': 3,
  'compression.lz4.level': 3,
  'compression.zstd.level': 3,
  'follower.replication.throttled.replicas': 7,
  'leader.replication.throttled.replicas': 7,
  'local.retention.bytes': 5,
  'local.retention.ms': 5,
  'message.timestamp.after.max.ms': 5,
  'message.timestamp.before.max.ms': 5,
  'remote.log.copy.disable': 1,
  'remote.log.delete.on.disable': 1,
  'remote.storage.enable': 1,
};

let broker: TestBroker;
let admin: Admin;
let raw: RawClient;

before(async () => {
  broker = await startTestBroker();
  ({ admin } = await kafkajsAdmin(broker.address));
  raw = await RawClient.connect(broker.port);
});

after(async () => {
  raw.close();
  await admin.disconnect();
  await broker.destroy();
});

async function describeTopic(topic: string, keys: string[] | null = null) {
  raw.send(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: keys }],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  const res = await raw.receive(ApiKey.DescribeConfigs, 4);
  const [result] = res.body.results;
  assert.equal(result.errorCode, ErrorCode.NONE, result.errorMessage);
  return new Map<string, { value: string | null; configType: number; configSource: number }>(result.configs.map((c: any) => [c.name, c]));
}

async function incrementalSet(topic: string, name: string, value: string): Promise<{ errorCode: number; errorMessage: string | null }> {
  raw.send(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configs: [{ name, configOperation: SET, value }] }],
    validateOnly: false,
  });
  const res = await raw.receive(ApiKey.IncrementalAlterConfigs, 1);
  return res.body.responses[0];
}

test('DescribeConfigs v4 reports Kafka\'s ConfigType for every topic config (long configs are LONG = 5)', async () => {
  await admin.createTopics({ topics: [{ topic: 'typed', numPartitions: 1 }] });
  const configs = await describeTopic('typed');
  assert.deepEqual([...configs.keys()].sort(), Object.keys(KAFKA_TYPES).sort());
  for (const [name, type] of Object.entries(KAFKA_TYPES)) assert.equal(configs.get(name)!.configType, type, name);
});

test('the 3.x configs have Kafka\'s defaults and are accepted on CreateTopics', async () => {
  const defaults = await describeTopic('typed', ['message.timestamp.difference.max.ms', 'message.format.version', 'message.downconversion.enable']);
  assert.equal(defaults.get('message.timestamp.difference.max.ms')!.value, '9223372036854775807');
  assert.equal(defaults.get('message.format.version')!.value, '3.0-IV1');
  assert.equal(defaults.get('message.downconversion.enable')!.value, 'true');
  assert.ok([...defaults.values()].every((c) => c.configSource === DEFAULT_CONFIG), 'reported as Kafka\'s defaults');

  await admin.createTopics({
    topics: [{
      topic: 'legacy',
      numPartitions: 1,
      configEntries: [
        { name: 'message.timestamp.difference.max.ms', value: '3600000' },
        { name: 'message.format.version', value: '2.8' },
        { name: 'message.downconversion.enable', value: 'false' },
      ],
    }],
  });
  const described = await admin.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: 'legacy' }], includeSynonyms: false });
  const byName = new Map(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  assert.equal(byName.get('message.timestamp.difference.max.ms'), '3600000');
  assert.equal(byName.get('message.format.version'), '2.8');
  assert.equal(byName.get('message.downconversion.enable'), 'false');
});

test('AlterConfigs and IncrementalAlterConfigs accept them and refuse bad values with INVALID_CONFIG', async () => {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: TOPIC_RESOURCE, name: 'legacy', configEntries: [{ name: 'message.format.version', value: '0.10.2-IV0' }] }],
  });
  assert.equal((await describeTopic('legacy', ['message.format.version'])).get('message.format.version')!.value, '0.10.2-IV0');

  for (const [name, value] of [['message.format.version', '3.0-IV1'], ['message.format.version', '2.8.1'], ['message.timestamp.difference.max.ms', '0']]) {
    const ok = await incrementalSet('legacy', name!, value!);
    assert.equal(ok.errorCode, ErrorCode.NONE, `${name}=${value}: ${ok.errorMessage}`);
    assert.equal((await describeTopic('legacy', [name!])).get(name!)!.value, value);
  }

  const bad: [string, string][] = [
    ['message.format.version', '9.9'],
    ['message.format.version', '0.8.0-IV0'],
    ['message.format.version', '3.0-IV2'],
    ['message.timestamp.difference.max.ms', '-1'],
    ['message.timestamp.difference.max.ms', '9223372036854775808'],
    ['message.timestamp.difference.max.ms', 'soon'],
    ['message.downconversion.enable', 'yes'],
  ];
  for (const [name, value] of bad) {
    const refused = await incrementalSet('legacy', name, value);
    assert.equal(refused.errorCode, ErrorCode.INVALID_CONFIG, `${name}=${value}`);
    assert.match(refused.errorMessage ?? '', new RegExp(`${name.replace(/\./g, '\\.')}`), 'the message names the key');
    if (name === 'message.format.version') assert.match(refused.errorMessage ?? '', /is not a valid version/);
  }
  await assert.rejects(
    admin.createTopics({ topics: [{ topic: 'bad-format', configEntries: [{ name: 'message.format.version', value: 'latest' }] }] }),
    (err: any) => err.errors?.[0]?.type === 'INVALID_CONFIG',
  );
  assert.equal(broker.broker.topics.get('bad-format'), undefined);
});
