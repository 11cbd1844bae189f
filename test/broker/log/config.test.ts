// Topic config → LogConfig mapping and validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLogConfig, logConfigFromTopicConfigs, validateLogConfig } from '../../../src/broker/log/config.js';
import { LogConfigError } from '../../../src/broker/log/errors.js';

test('defaults match Kafka', () => {
  assert.equal(defaultLogConfig.segmentBytes, 1073741824);
  assert.equal(defaultLogConfig.segmentMs, 604800000);
  assert.equal(defaultLogConfig.retentionMs, 604800000);
  assert.equal(defaultLogConfig.retentionBytes, -1);
  assert.equal(defaultLogConfig.indexIntervalBytes, 4096);
  assert.equal(defaultLogConfig.flushPolicy, 'ack');
  assert.equal(defaultLogConfig.messageTimestampType, 'CreateTime');
  assert.equal(defaultLogConfig.cleanupPolicy, 'delete');
  assert.equal(defaultLogConfig.maxMessageBytes, 1048588);
});

test('maps Kafka config names, ignores keys the log does not own', () => {
  const cfg = logConfigFromTopicConfigs({
    'segment.bytes': '1048576',
    'segment.ms': '3600000',
    'retention.ms': '-1',
    'retention.bytes': '1000000',
    'cleanup.policy': 'delete,compact',
    'message.timestamp.type': 'LogAppendTime',
    'index.interval.bytes': '1024',
    'flush.ms': '500',
    'max.message.bytes': '2000000',
    'min.insync.replicas': '2',
    'compression.type': 'producer',
  });
  assert.deepEqual(cfg, {
    ...defaultLogConfig,
    segmentBytes: 1048576,
    segmentMs: 3600000,
    retentionMs: -1,
    retentionBytes: 1000000,
    cleanupPolicy: 'compact,delete',
    messageTimestampType: 'LogAppendTime',
    indexIntervalBytes: 1024,
    flushMs: 500,
    maxMessageBytes: 2000000,
  });
  assert.equal(logConfigFromTopicConfigs({ 'cleanup.policy': 'compact' }).cleanupPolicy, 'compact');
  // Kafka's Long.MAX_VALUE defaults ("never") are accepted and clamped.
  const never = logConfigFromTopicConfigs({ 'flush.ms': '9223372036854775807', 'retention.ms': '9223372036854775807' });
  assert.equal(never.flushMs, Number.MAX_SAFE_INTEGER);
  assert.equal(never.retentionMs, Number.MAX_SAFE_INTEGER);
  assert.equal(logConfigFromTopicConfigs({ 'segment.bytes': null }).segmentBytes, defaultLogConfig.segmentBytes);
  const base = { ...defaultLogConfig, retentionMs: 1 };
  assert.equal(logConfigFromTopicConfigs({}, base).retentionMs, 1);
});

test('invalid values throw LogConfigError (INVALID_CONFIG) naming the key', () => {
  const bad: Array<[string, string]> = [
    ['segment.bytes', 'abc'],
    ['segment.bytes', '10'],
    ['segment.bytes', '4294967296'],
    ['retention.ms', '9223372036854775808'],
    ['segment.ms', '0'],
    ['retention.ms', '-2'],
    ['retention.bytes', '1.5'],
    ['index.interval.bytes', '-1'],
    ['flush.ms', ''],
    ['max.message.bytes', '99999999999'],
    ['message.timestamp.type', 'Whenever'],
    ['cleanup.policy', 'delete,forever'],
    ['cleanup.policy', ''],
  ];
  for (const [key, value] of bad) {
    assert.throws(() => logConfigFromTopicConfigs({ [key]: value }), (e: unknown) => {
      assert.ok(e instanceof LogConfigError, `${key}=${value}`);
      assert.equal(e.code, 40);
      assert.equal(e.key, key);
      assert.ok(e.message.includes(key));
      return true;
    });
  }
});

test('validateLogConfig guards configs built in code', () => {
  validateLogConfig(defaultLogConfig);
  assert.throws(() => validateLogConfig({ ...defaultLogConfig, segmentBytes: 4 * 1024 ** 3 }), (e: unknown) => e instanceof LogConfigError && e.key === 'segment.bytes');
  assert.throws(() => validateLogConfig({ ...defaultLogConfig, retentionMs: -5 }), (e: unknown) => e instanceof LogConfigError && e.key === 'retention.ms');
});
