// The broker under hostile or broken input: each bad connection is answered with
// the protocol's error or closed, and the broker keeps serving everyone else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { readResponseHeader } from '../../../src/broker/protocol/messages/response-header.js';
import { readApiVersionsResponse } from '../../../src/broker/protocol/messages/api-versions-response.js';
import { Reader } from '../../../src/broker/protocol/codec.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker();
});

after(async () => {
  await broker.destroy();
});

const apiVersionsV3 = { clientSoftwareName: 'raw-test', clientSoftwareVersion: '1.0' };

/** Proves the broker still serves a well-behaved client. */
async function assertServing(): Promise<void> {
  const good = await RawClient.connect(broker.port);
  try {
    const res = await good.request(ApiKey.ApiVersions, 3, apiVersionsV3);
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.ok(res.apiKeys.some((k: any) => k.apiKey === ApiKey.Produce && k.minVersion === 3 && k.maxVersion === 11));
  } finally {
    good.close();
  }
}

test('a frame with a random body closes that connection only', async () => {
  const bad = await RawClient.connect(broker.port);
  // A random body whose api key is made unknown on purpose so it cannot be valid.
  const body = crypto.randomBytes(200);
  body.writeInt16BE(9999, 0);
  bad.writeFrame(body);
  assert.equal(await bad.nextFrame(), null);
  await assertServing();
});

test('random bytes after a valid header of a known API close the connection', async () => {
  for (const apiKey of [ApiKey.Produce, ApiKey.Fetch, ApiKey.Metadata, ApiKey.CreateTopics]) {
    const bad = await RawClient.connect(broker.port);
    const body = Buffer.concat([Buffer.alloc(8), crypto.randomBytes(64)]);
    body.writeInt16BE(apiKey, 0);
    body.writeInt16BE(apiKey === ApiKey.Produce ? 9 : apiKey === ApiKey.Fetch ? 12 : 9, 2);
    body.writeInt32BE(7, 4);
    bad.writeFrame(body);
    const answer = await bad.nextFrame();
    // Either an error answer for correlation id 7 or a closed connection; never a crash.
    if (answer) assert.equal(answer.readInt32BE(0), 7);
    bad.close();
  }
  await assertServing();
});

test('a frame claiming 2 GB is refused and the connection closed', async () => {
  const bad = await RawClient.connect(broker.port);
  const size = Buffer.alloc(4);
  size.writeInt32BE(0x7fffffff);
  bad.socket.write(size);
  assert.equal(await bad.nextFrame(), null);
  await assertServing();
});

test('a negative frame size closes the connection', async () => {
  const bad = await RawClient.connect(broker.port);
  bad.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
  assert.equal(await bad.nextFrame(), null);
  await assertServing();
});

test('an unknown api key closes the connection', async () => {
  const bad = await RawClient.connect(broker.port);
  const header = Buffer.alloc(10);
  header.writeInt16BE(31000, 0);
  header.writeInt16BE(0, 2);
  header.writeInt32BE(1, 4);
  header.writeInt16BE(-1, 8);
  bad.writeFrame(header);
  assert.equal(await bad.nextFrame(), null);
  await assertServing();
});

test('a request cut off mid-frame leaves the broker serving', async () => {
  const bad = await RawClient.connect(broker.port);
  const size = Buffer.alloc(4);
  size.writeInt32BE(500);
  bad.socket.write(Buffer.concat([size, crypto.randomBytes(100)]));
  bad.socket.end();
  await bad.waitClosed();
  await assertServing();
});

test('ApiVersions of an unknown version is answered with UNSUPPORTED_VERSION in the v0 layout', async () => {
  const client = await RawClient.connect(broker.port);
  const header = Buffer.alloc(10);
  header.writeInt16BE(ApiKey.ApiVersions, 0);
  header.writeInt16BE(99, 2);
  header.writeInt32BE(42, 4);
  header.writeInt16BE(-1, 8);
  client.writeFrame(Buffer.concat([header, crypto.randomBytes(20)]));
  const frame = await client.nextFrame();
  assert.ok(frame, 'an answer, not a closed connection');
  const r = new Reader(frame);
  assert.equal(readResponseHeader(r, 0).correlationId, 42);
  const res = readApiVersionsResponse(r, 0);
  assert.equal(res.errorCode, ErrorCode.UNSUPPORTED_VERSION);
  assert.ok(res.apiKeys.some((k) => k.apiKey === ApiKey.ApiVersions && k.maxVersion === 4));
  client.close();
});

test('a Produce with a corrupt batch gets CORRUPT_MESSAGE and stores nothing', async () => {
  const { buildBatch } = await import('../../../src/broker/records/index.js');
  await broker.broker.topics.create('corrupt-input', 1);
  const batch = buildBatch({ records: [{ key: 'k', value: 'v' }] });
  batch[batch.length - 1] ^= 0xff; // the CRC no longer matches
  const client = await RawClient.connect(broker.port);
  const res = await client.request(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [{ name: 'corrupt-input', partitionData: [{ index: 0, records: batch }] }],
  });
  assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.equal(broker.broker.topics.partition('corrupt-input', 0)!.highWatermark, 0);
  // A truncated batch is refused the same way.
  const good = buildBatch({ records: [{ key: 'k', value: 'v' }] });
  const res2 = await client.request(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 1000,
    topicData: [{ name: 'corrupt-input', partitionData: [{ index: 0, records: good.subarray(0, good.length - 3) }] }],
  });
  assert.equal(res2.responses[0].partitionResponses[0].errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.equal(broker.broker.topics.partition('corrupt-input', 0)!.highWatermark, 0);
  client.close();
});
