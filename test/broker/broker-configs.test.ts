// Broker configs over the wire: kafkajs's admin describes a broker with
// synonyms and sources as Kafka gives them and changes dynamic settings with
// AlterConfigs; IncrementalAlterConfigs sets cluster-wide defaults (resource
// ""); a topic without its own value follows the broker default at once, with
// that source in its synonyms; read-only settings are refused with Kafka's
// error; a dynamic connection limit applies at once; dynamic values survive a
// restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { type Admin } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kafkajsAdmin, kafkajsClient } from '../helpers/kafkajs.js';
import { RawClient } from '../helpers/raw-client.js';
import { ApiKey } from '../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../src/broker/protocol/error-codes.js';

const { ConfigResourceTypes } = kafkajs;

const DYNAMIC_TOPIC_CONFIG = 1;
const DYNAMIC_BROKER_CONFIG = 2;
const DYNAMIC_DEFAULT_BROKER_CONFIG = 3;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;
const BROKER = 4;
const TOPIC = 2;

let broker: TestBroker;
let admin: Admin;
let raw: RawClient;

async function start(dataDir?: string) {
  broker = await startTestBroker({ topicDefaults: { 'segment.bytes': '52428800' }, ...(dataDir ? { dataDir } : {}) });
  ({ admin } = await kafkajsAdmin(broker.address));
  raw = await RawClient.connect(broker.port);
}

async function stop() {
  raw.close();
  await admin.disconnect();
  await broker.broker.close();
}

before(async () => {
  await start();
  await admin.createTopics({ topics: [{ topic: 'plain', numPartitions: 1 }, { topic: 'own', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] }] });
});

after(async () => {
  raw.close();
  await admin.disconnect();
  await broker.destroy();
});

async function describeBroker(name = '1') {
  const res = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name }], includeSynonyms: true });
  return new Map(res.resources[0]!.configEntries.map((e: any) => [e.configName, e]));
}

async function describeTopic(topic: string) {
  const res = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: true });
  return new Map(res.resources[0]!.configEntries.map((e: any) => [e.configName, e]));
}

const synonyms = (e: any) => e.configSynonyms.map((s: any) => [s.configName, s.configValue, s.configSource]);

test('describe: sources and synonyms as Kafka gives them, read-only flags', async () => {
  const configs = await describeBroker();
  const segment = configs.get('log.segment.bytes');
  assert.deepEqual([segment.configValue, segment.configSource, segment.readOnly], ['52428800', STATIC_BROKER_CONFIG, false]);
  assert.deepEqual(synonyms(segment), [['log.segment.bytes', '52428800', STATIC_BROKER_CONFIG], ['log.segment.bytes', '1073741824', DEFAULT_CONFIG]]);
  const hours = configs.get('log.retention.hours');
  assert.deepEqual([hours.configValue, hours.configSource], ['168', DEFAULT_CONFIG]);
  assert.equal(configs.get('num.partitions').readOnly, true);
  assert.equal(configs.get('log.cleaner.threads').readOnly, false);

  const topic = await describeTopic('plain');
  const retention = topic.get('retention.ms');
  assert.deepEqual([retention.configValue, retention.configSource], ['604800000', DEFAULT_CONFIG]);
  assert.deepEqual(synonyms(retention), [['log.retention.hours', '168', DEFAULT_CONFIG]]);
  const own = (await describeTopic('own')).get('retention.ms');
  assert.deepEqual([own.configValue, own.configSource], ['1000', DYNAMIC_TOPIC_CONFIG]);
  assert.deepEqual(synonyms(own)[0], ['retention.ms', '1000', DYNAMIC_TOPIC_CONFIG]);
});

test('AlterConfigs on the broker: a dynamic log.retention.ms becomes the default of topics without their own', async () => {
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.retention.ms', value: '3600000' }, { name: 'message.max.bytes', value: '2000000' }] }] });
  const configs = await describeBroker();
  assert.deepEqual([configs.get('log.retention.ms').configValue, configs.get('log.retention.ms').configSource], ['3600000', DYNAMIC_BROKER_CONFIG]);
  const plain = await describeTopic('plain');
  assert.deepEqual([plain.get('retention.ms').configValue, plain.get('retention.ms').configSource], ['3600000', DYNAMIC_BROKER_CONFIG]);
  assert.deepEqual(synonyms(plain.get('retention.ms')), [['log.retention.ms', '3600000', DYNAMIC_BROKER_CONFIG], ['log.retention.hours', '168', DEFAULT_CONFIG]]);
  assert.equal(plain.get('max.message.bytes').configValue, '2000000');
  assert.equal((await describeTopic('own')).get('retention.ms').configValue, '1000', 'a topic override still wins');
  // The log itself follows: a batch over the old 1048588-byte limit is taken.
  const producer = kafkajsClient(broker.address).producer();
  await producer.connect();
  await producer.send({ topic: 'plain', messages: [{ value: Buffer.alloc(1_500_000, 1) }] });
  await producer.disconnect();
});

test('IncrementalAlterConfigs on resource "": cluster-wide dynamic defaults, below the per-broker value', async () => {
  const res = await raw.request(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName: '', configs: [
      { name: 'log.cleaner.threads', configOperation: 0, value: '2' },
      { name: 'log.retention.ms', configOperation: 0, value: '7200000' },
    ] }],
    validateOnly: false,
  });
  assert.deepEqual(res.responses.map((r: any) => [r.errorCode, r.errorMessage]), [[ErrorCode.NONE, null]]);
  const configs = await describeBroker();
  assert.deepEqual([configs.get('log.cleaner.threads').configValue, configs.get('log.cleaner.threads').configSource], ['2', DYNAMIC_DEFAULT_BROKER_CONFIG]);
  assert.deepEqual(synonyms(configs.get('log.retention.ms')).slice(0, 2), [
    ['log.retention.ms', '3600000', DYNAMIC_BROKER_CONFIG],
    ['log.retention.ms', '7200000', DYNAMIC_DEFAULT_BROKER_CONFIG],
  ]);
  // DELETE of the per-broker value lets the cluster default through.
  const deleted = await raw.request(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', configOperation: 1, value: null }] }],
    validateOnly: false,
  });
  assert.equal(deleted.responses[0].errorCode, ErrorCode.NONE);
  const plain = await describeTopic('plain');
  assert.deepEqual([plain.get('retention.ms').configValue, plain.get('retention.ms').configSource], ['7200000', DYNAMIC_DEFAULT_BROKER_CONFIG]);
});

test('read-only broker configs, unknown names, bad values and other broker ids are refused as Kafka does', async () => {
  const alter = (resourceName: string, name: string, value: string) => raw.request(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName, configs: [{ name, configOperation: 0, value }] }], validateOnly: false,
  }).then((r: any) => [r.responses[0].errorCode, r.responses[0].errorMessage]);
  const [code, message] = await alter('1', 'num.partitions', '3');
  assert.equal(code, ErrorCode.INVALID_REQUEST);
  assert.match(message, /Cannot update these configs dynamically: Set\(num\.partitions\)/);
  assert.equal((await alter('1', 'log.message.format.version', '3.0'))[0], ErrorCode.INVALID_REQUEST);
  assert.equal((await alter('1', 'log.retention.ms', 'soon'))[0], ErrorCode.INVALID_REQUEST);
  assert.equal((await alter('7', 'log.retention.ms', '1'))[0], ErrorCode.INVALID_REQUEST);
  assert.equal((await alter('1', 'no.such.config', '1'))[0], ErrorCode.INVALID_CONFIG);
  // kafkajs's AlterConfigs gets the same refusal.
  await assert.rejects(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'auto.create.topics.enable', value: 'false' }] }] }));
  assert.equal((await describeBroker()).get('num.partitions').configValue, '1');
});

test('listener SASL settings are dynamic as in Kafka (sasl.kerberos.*, sasl.login.refresh.*); connections.max.reauth.ms is described', async () => {
  // Incremental, so the other tests' per-broker values stay (AlterConfigs would replace them all).
  const set = await raw.request(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName: '1', configs: [
      { name: 'sasl.kerberos.min.time.before.relogin', configOperation: 0, value: '58000' },
      { name: 'sasl.kerberos.principal.to.local.rules', configOperation: 0, value: 'RULE:[1:$1](.*)s/x/y/,DEFAULT' },
    ] }],
    validateOnly: false,
  });
  assert.equal(set.responses[0].errorCode, ErrorCode.NONE);
  const configs = await describeBroker();
  const relogin = configs.get('sasl.kerberos.min.time.before.relogin');
  assert.deepEqual([relogin.configValue, relogin.configSource, relogin.readOnly], ['58000', DYNAMIC_BROKER_CONFIG, false]);
  assert.equal(configs.get('sasl.kerberos.principal.to.local.rules').configValue, 'RULE:[1:$1](.*)s/x/y/,DEFAULT');
  assert.deepEqual([configs.get('sasl.login.refresh.buffer.seconds').configValue, configs.get('sasl.login.refresh.buffer.seconds').configSource], ['300', DEFAULT_CONFIG]);
  const reauth = configs.get('connections.max.reauth.ms');
  assert.deepEqual([reauth.configValue, reauth.readOnly], ['0', true]);
  const bad = await raw.request(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'sasl.login.refresh.buffer.seconds', configOperation: 0, value: '40000' }] }],
    validateOnly: false,
  });
  assert.equal(bad.responses[0].errorCode, ErrorCode.INVALID_REQUEST, 'a SHORT setting out of range is refused');
});

test('a dynamic max.connections.per.ip applies to new connections at once; open ones stay', async () => {
  const set = await raw.request(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'max.connections.per.ip', configOperation: 0, value: '1' }] }],
    validateOnly: false,
  });
  assert.equal(set.responses[0].errorCode, ErrorCode.NONE);
  const refused = await RawClient.connect(broker.port);
  await refused.waitClosed();
  assert.equal(refused.closed, true, 'a connection over the new limit is closed');
  const back = await raw.request(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'max.connections.per.ip', configOperation: 1, value: null }] }],
    validateOnly: false,
  });
  assert.equal(back.responses[0].errorCode, ErrorCode.NONE, 'the connection open before the change still works');
  const admitted = await RawClient.connect(broker.port);
  try {
    const versions = await admitted.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    assert.equal(versions.errorCode, ErrorCode.NONE);
  } finally {
    admitted.close();
  }
});

test('dynamic broker configs survive a restart', async () => {
  const dataDir = broker.dataDir;
  await stop();
  await start(dataDir);
  const configs = await describeBroker();
  assert.deepEqual([configs.get('message.max.bytes').configValue, configs.get('message.max.bytes').configSource], ['2000000', DYNAMIC_BROKER_CONFIG]);
  assert.equal(configs.get('log.cleaner.threads').configValue, '2');
  const plain = await describeTopic('plain');
  assert.equal(plain.get('retention.ms').configValue, '7200000');
  const rawTopic = await raw.request(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: 'plain', configurationKeys: ['max.message.bytes'] }], includeSynonyms: false, includeDocumentation: false });
  assert.equal(rawTopic.results[0].configs[0].value, '2000000');
});
