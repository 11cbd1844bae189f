// max.connections, max.connections.per.ip and connections.max.idle.ms: extra
// connections are closed as soon as they are accepted, idle ones after the idle
// time, but never one with a request still in progress (a long poll).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../../helpers/broker.js';
import { RawClient, freshApiVersions } from '../../helpers/raw-client.js';
import { eventually } from '../../helpers/system.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { defaultFetchRequest } from '../../../src/broker/protocol/messages/fetch-request.js';
import { brokerOptionsFromConfigs } from '../../../src/broker/config-names.js';
import { resolveConfig } from '../../../src/broker/config.js';

const apiVersions = { clientSoftwareName: 'limits-test', clientSoftwareVersion: '1.0' };

test('Kafka names and defaults of the limits', () => {
  const c = resolveConfig({});
  assert.equal(c.maxRequestBytes, 104_857_600);
  assert.equal(c.queuedMaxRequestBytes, 256 * 1024 * 1024);
  assert.equal(c.fetchMaxBytes, 57_671_680);
  assert.equal(c.maxConnections, 2_147_483_647);
  assert.equal(c.maxConnectionsPerIp, 2_147_483_647);
  assert.equal(c.connectionsMaxIdleMs, 600_000);
  assert.equal(c.maxPartitionsPerRequest, 10_000);
  assert.equal(resolveConfig({ queuedMaxRequestBytes: -1 }).queuedMaxRequestBytes, Infinity);
  assert.throws(() => resolveConfig({ maxRequestBytes: 1000, queuedMaxRequestBytes: 999 }), /queuedMaxRequestBytes/);
  assert.deepEqual(brokerOptionsFromConfigs(['socket.request.max.bytes=1000', 'max.connections.per.ip = 3', 'auto.create.topics.enable=false']), {
    maxRequestBytes: 1000,
    maxConnectionsPerIp: 3,
    autoCreateTopics: false,
  });
  assert.throws(() => brokerOptionsFromConfigs(['max.conections=1']), /unknown broker config "max.conections"/);
  assert.throws(() => brokerOptionsFromConfigs(['fetch.max.bytes=lots']), /fetch.max.bytes must be an integer/);
});

test('max.connections.per.ip closes the extra connection; a slot freed is usable again', async () => {
  const broker = await startTestBroker({ maxConnectionsPerIp: 2 });
  try {
    const a = await RawClient.connect(broker.port);
    const b = await RawClient.connect(broker.port);
    assert.equal((await a.request(ApiKey.ApiVersions, 3, apiVersions)).errorCode, ErrorCode.NONE);
    const extra = await RawClient.connect(broker.port);
    extra.send(ApiKey.ApiVersions, 3, apiVersions);
    assert.equal(await extra.nextFrame(), null);
    a.close();
    await eventually(() => broker.broker.serverStats().connections === 1, 'the closed connection counted out');
    console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
    b.close();
  } finally {
    await broker.destroy();
  }
});

test('max.connections closes connections beyond the total', async () => {
  const broker = await startTestBroker({ maxConnections: 1 });
  try {
    const a = await RawClient.connect(broker.port);
    const extra = await RawClient.connect(broker.port);
    extra.send(ApiKey.ApiVersions, 3, apiVersions);
    assert.equal(await extra.nextFrame(), null);
    assert.equal((await a.request(ApiKey.ApiVersions, 3, apiVersions)).errorCode, ErrorCode.NONE);
    a.close();
    await eventually(() => broker.broker.serverStats().connections === 0, 'the connection counted out');
    console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
  } finally {
    await broker.destroy();
  }
});

test('connections.max.idle.ms closes an idle connection but not one waiting on a long poll', async () => {
  const broker = await startTestBroker({ connectionsMaxIdleMs: 150 });
  try {
    const topic = await broker.broker.topics.create('idle-poll', 1);
    const idle = await RawClient.connect(broker.port);
    await idle.waitClosed();

    // A fetch at the log end waiting longer than the idle time is answered, not cut off.
    const polling = await RawClient.connect(broker.port);
    const res = await polling.request(ApiKey.Fetch, 12, {
      ...defaultFetchRequest(),
      maxWaitMs: 600,
      minBytes: 1,
      topics: [{ topic: 'idle-poll', topicId: topic.id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024, replicaDirectoryId: topic.id }] }],
    });
    assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    await polling.waitClosed();
    console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
  } finally {
    await broker.destroy();
  }
});
