/**
 * Cross-checks the generated codecs against a real client: kafkajs 2.2.4's own request encoders
 * (bytes must match ours exactly, and decode with ours) and its response decoders (our encoded
 * responses must parse there).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Reader, Writer, ZERO_UUID } from '../../../src/broker/protocol/codec.js';
import { ApiKey, apiList, apis, requestHeaderVersion } from '../../../src/broker/protocol/apis.js';
import { readRequestHeader } from '../../../src/broker/protocol/messages/request-header.js';
import { readApiVersionsRequest, writeApiVersionsRequest, defaultApiVersionsRequest } from '../../../src/broker/protocol/messages/api-versions-request.js';
import { writeApiVersionsResponse, createApiVersionsResponse } from '../../../src/broker/protocol/messages/api-versions-response.js';
import { readMetadataRequest, writeMetadataRequest, type MetadataRequest } from '../../../src/broker/protocol/messages/metadata-request.js';
import { writeMetadataResponse, createMetadataResponse } from '../../../src/broker/protocol/messages/metadata-response.js';
import { readProduceRequest, writeProduceRequest, type ProduceRequest } from '../../../src/broker/protocol/messages/produce-request.js';
import { writeProduceResponse, createProduceResponse, createPartitionProduceResponse } from '../../../src/broker/protocol/messages/produce-response.js';
import {
  readFetchRequest,
  writeFetchRequest,
  createFetchRequest,
  createFetchPartition,
  createFetchTopic,
} from '../../../src/broker/protocol/messages/fetch-request.js';
import {
  writeFetchResponse,
  createFetchResponse,
  createFetchableTopicResponse,
  createPartitionData,
} from '../../../src/broker/protocol/messages/fetch-response.js';
import {
  readListOffsetsRequest,
  writeListOffsetsRequest,
  createListOffsetsRequest,
} from '../../../src/broker/protocol/messages/list-offsets-request.js';
import { writeListOffsetsResponse, createListOffsetsResponse, createListOffsetsPartitionResponse } from '../../../src/broker/protocol/messages/list-offsets-response.js';
import {
  readCreateTopicsRequest,
  writeCreateTopicsRequest,
  createCreateTopicsRequest,
  createCreatableTopic,
} from '../../../src/broker/protocol/messages/create-topics-request.js';
import { writeCreateTopicsResponse, createCreateTopicsResponse, createCreatableTopicResult } from '../../../src/broker/protocol/messages/create-topics-response.js';

const require = createRequire(import.meta.url);
// kafkajs internals are untyped CommonJS, hence the `any`s below.
const kafkajs = (p: string): any => require(`kafkajs/src/protocol/${p}`);

interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode: () => Promise<{ buffer: Buffer }>;
}

async function kafkajsBody(path: string, args?: unknown): Promise<Buffer> {
  const req = kafkajs(`requests/${path}/request.js`)(args) as KafkajsRequest;
  return (await req.encode()).buffer;
}

async function kafkajsDecode(path: string, body: Buffer): Promise<any> {
  const { decode, parse } = kafkajs(`requests/${path}/response.js`);
  return parse(await decode(body));
}

function ours<T>(write: (w: Writer, version: number, m: T) => void, version: number, m: T): Buffer {
  const w = new Writer();
  write(w, version, m);
  return w.toBuffer();
}

function decodeAll<T>(read: (r: Reader, version: number) => T, version: number, bytes: Buffer): T {
  const r = new Reader(bytes);
  const m = read(r, version);
  assert.equal(r.remaining, 0, 'all bytes consumed');
  return m;
}

describe('kafkajs request encoders produce our bytes', () => {
  test('full ApiVersions request frame (size + header v1 + body)', async () => {
    for (const version of [0, 1, 2]) {
      const request = kafkajs(`requests/apiVersions/v${version}/request.js`)();
      const frame: Buffer = (await kafkajs('request.js')({ correlationId: 77, clientId: 'tributary-test', request })).buffer;
      const r = new Reader(frame);
      assert.equal(r.readInt32(), frame.length - 4);
      const apiKey = frame.readInt16BE(4);
      const apiVersion = frame.readInt16BE(6);
      const header = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion));
      assert.deepEqual(header, { requestApiKey: ApiKey.ApiVersions, requestApiVersion: version, correlationId: 77, clientId: 'tributary-test' });
      const body = apis[apiKey]!.readRequest(r, apiVersion);
      assert.equal(r.remaining, 0);
      assert.deepEqual(body, defaultApiVersionsRequest());
      assert.equal(ours(writeApiVersionsRequest, version, defaultApiVersionsRequest()).length, 0);
      assert.deepEqual(decodeAll(readApiVersionsRequest, version, Buffer.alloc(0)), defaultApiVersionsRequest());
    }
  });

  test('Metadata v0-v6', async () => {
    for (let version = 0; version <= 6; version++) {
      for (const [topics, auto] of [[['orders', 'payments'], true], [[], true], [['x'], false]] as const) {
        if (!auto && version < 4) continue; // allow_auto_topic_creation appears in v4
        const body = await kafkajsBody(`metadata/v${version}`, { topics, allowAutoTopicCreation: auto });
        // kafkajs sends an empty topic list as null ("all topics") from v1 on.
        const allTopics = topics.length === 0 && version >= 1;
        const msg: MetadataRequest = {
          topics: allTopics ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
          allowAutoTopicCreation: auto,
          includeClusterAuthorizedOperations: false,
          includeTopicAuthorizedOperations: false,
        };
        assert.ok(ours(writeMetadataRequest, version, msg).equals(body), `v${version} ${JSON.stringify(topics)}`);
        assert.deepEqual(decodeAll(readMetadataRequest, version, body), msg);
      }
    }
  });

  test('Produce v3 with an uncompressed record batch', async () => {
    const args = {
      acks: -1,
      timeout: 30000,
      topicData: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, messages: [{ key: 'k1', value: 'v1', timestamp: 1700000000000 }, { key: null, value: 'v2', timestamp: 1700000000001 }] },
            { partition: 3, messages: [{ key: 'k3', value: 'héllo', timestamp: 1700000000002, headers: { h: 'x' } }] },
          ],
        },
      ],
    };
    const body = await kafkajsBody('produce/v3', args);
    const decoded = decodeAll(readProduceRequest, 3, body);
    assert.equal(decoded.transactionalId, null);
    assert.equal(decoded.acks, -1);
    assert.equal(decoded.timeoutMs, 30000);
    assert.equal(decoded.topicData.length, 1);
    assert.equal(decoded.topicData[0].name, 'orders');
    assert.deepEqual(decoded.topicData[0].partitionData.map((p) => p.index), [0, 3]);
    for (const p of decoded.topicData[0].partitionData) {
      const records = p.records!;
      assert.ok(Buffer.isBuffer(records));
      assert.equal(records.buffer, body.buffer, 'records is a view into the request, not a copy');
      assert.equal(records.readInt32BE(8), records.length - 12, 'batchLength');
      assert.equal(records[16], 2, 'magic v2');
    }
    const msg: ProduceRequest = decoded;
    assert.ok(ours(writeProduceRequest, 3, msg).equals(body));
  });

  test('Fetch v4-v11', async () => {
    for (let version = 4; version <= 11; version++) {
      const args = {
        replicaId: -1,
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 10485760,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          { topic: 'orders', partitions: [{ partition: 0, fetchOffset: '42', maxBytes: 1048576 }, { partition: 1, fetchOffset: '9007199254740993', maxBytes: 65536 }] },
          { topic: 'payments', partitions: [{ partition: 2, fetchOffset: '0', maxBytes: 1024 }] },
        ],
        forgottenTopics: [],
        rackId: '',
      };
      const body = await kafkajsBody(`fetch/v${version}`, args);
      const msg = createFetchRequest({
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 10485760,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: args.topics.map((t) =>
          createFetchTopic({
            topic: t.topic,
            partitions: t.partitions.map((p) =>
              createFetchPartition({ partition: p.partition, fetchOffset: BigInt(p.fetchOffset), partitionMaxBytes: p.maxBytes }),
            ),
          }),
        ),
        rackId: '',
      });
      assert.ok(ours(writeFetchRequest, version, msg).equals(body), `v${version}`);
      assert.deepEqual(decodeAll(readFetchRequest, version, body), msg, `v${version}`);
    }
  });

  test('ListOffsets v0-v3', async () => {
    for (let version = 0; version <= 3; version++) {
      const topics = [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -1 }, { partition: 1, timestamp: 1700000000000 }] }];
      const body = await kafkajsBody(`listOffsets/v${version}`, { replicaId: -1, isolationLevel: 1, topics });
      const decoded = decodeAll(readListOffsetsRequest, version, body);
      const expected = createListOffsetsRequest({
        replicaId: -1,
        isolationLevel: version >= 2 ? 1 : 0,
        topics: [
          {
            name: 'orders',
            partitions: topics[0].partitions.map((p) => ({
              partitionIndex: p.partition,
              currentLeaderEpoch: -1,
              timestamp: BigInt(p.timestamp),
              maxNumOffsets: 1,
            })),
          },
        ],
      });
      assert.deepEqual(decoded, expected, `v${version}`);
      assert.ok(ours(writeListOffsetsRequest, version, expected).equals(body), `v${version}`);
    }
  });

  test('CreateTopics v0-v3', async () => {
    for (let version = 0; version <= 3; version++) {
      const args = {
        timeout: 5000,
        validateOnly: version >= 1,
        topics: [
          { topic: 'orders', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] },
        ],
      };
      const body = await kafkajsBody(`createTopics/v${version}`, args);
      const msg = createCreateTopicsRequest({
        timeoutMs: 5000,
        validateOnly: version >= 1,
        topics: [
          createCreatableTopic({ name: 'orders', numPartitions: 3, replicationFactor: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }),
          createCreatableTopic({ name: 'manual', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }] }),
        ],
      });
      assert.ok(ours(writeCreateTopicsRequest, version, msg).equals(body), `v${version}`);
      assert.deepEqual(decodeAll(readCreateTopicsRequest, version, body), msg, `v${version}`);
    }
  });
});

describe('kafkajs response decoders read our bytes', () => {
  test('ApiVersions v0-v2', async () => {
    const apiKeys = apiList.map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }));
    for (let version = 0; version <= 2; version++) {
      const body = ours(writeApiVersionsResponse, version, createApiVersionsResponse({ errorCode: 0, apiKeys, throttleTimeMs: 5 }));
      const parsed = await kafkajsDecode(`apiVersions/v${version}`, body);
      assert.equal(parsed.errorCode, 0);
      assert.deepEqual(parsed.apiVersions, apiKeys);
      if (version >= 1) assert.equal(parsed.clientSideThrottleTime ?? parsed.throttleTime, 5);
    }
  });

  test('Metadata v0-v6', async () => {
    for (let version = 0; version <= 6; version++) {
      const msg = createMetadataResponse({
        brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: version >= 1 ? 'r1' : null }],
        clusterId: 'cluster-1',
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: 'orders',
            topicId: ZERO_UUID,
            isInternal: false,
            partitions: [
              { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: -1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
              { errorCode: 0, partitionIndex: 1, leaderId: 1, leaderEpoch: -1, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [] },
            ],
            topicAuthorizedOperations: -2147483648,
          },
        ],
      });
      const parsed = await kafkajsDecode(`metadata/v${version}`, ours(writeMetadataResponse, version, msg));
      assert.deepEqual(
        parsed.brokers.map((b: any) => [b.nodeId, b.host, b.port]),
        [[1, 'localhost', 9092]],
      );
      assert.equal(parsed.topicMetadata.length, 1);
      const t = parsed.topicMetadata[0];
      assert.equal(t.topic, 'orders');
      assert.equal(t.topicErrorCode, 0);
      assert.deepEqual(
        t.partitionMetadata.map((p: any) => [p.partitionId, p.leader, p.replicas, p.isr]),
        [
          [0, 1, [1], [1]],
          [1, 1, [1, 2], [1]],
        ],
      );
      if (version >= 2) assert.equal(parsed.clusterId, 'cluster-1');
      if (version >= 1) assert.equal(parsed.controllerId, 1);
    }
  });

  test('Produce v3', async () => {
    const msg = createProduceResponse({
      responses: [{ name: 'orders', partitionResponses: [createPartitionProduceResponse({ index: 2, baseOffset: 42n, logAppendTimeMs: -1n })] }],
      throttleTimeMs: 0,
    });
    const parsed = await kafkajsDecode('produce/v3', ours(writeProduceResponse, 3, msg));
    assert.deepEqual(parsed.topics, [{ topicName: 'orders', partitions: [{ partition: 2, errorCode: 0, baseOffset: '42', logAppendTime: '-1' }] }]);
  });

  test('Fetch v4-v11 carrying a record batch produced by kafkajs', async () => {
    const produceBody = await kafkajsBody('produce/v3', {
      acks: 1,
      timeout: 1000,
      topicData: [{ topic: 'orders', partitions: [{ partition: 0, messages: [{ key: 'k1', value: 'v1', timestamp: 1700000000000 }, { key: 'k2', value: 'v2', timestamp: 1700000000005 }] }] }],
    });
    const records = readProduceRequest(new Reader(produceBody), 3).topicData[0].partitionData[0].records;
    for (let version = 4; version <= 11; version++) {
      const msg = createFetchResponse({
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: version >= 7 ? 123 : 0,
        responses: [
          createFetchableTopicResponse({
            topic: 'orders',
            partitions: [createPartitionData({ partitionIndex: 0, highWatermark: 2n, lastStableOffset: 2n, logStartOffset: 0n, records })],
          }),
        ],
      });
      const parsed = await kafkajsDecode(`fetch/v${version}`, ours(writeFetchResponse, version, msg));
      const p = parsed.responses[0].partitions[0];
      assert.equal(parsed.responses[0].topicName, 'orders');
      assert.equal(p.highWatermark, '2');
      assert.deepEqual(
        p.messages.map((m: any) => [m.offset, m.key.toString(), m.value.toString(), m.timestamp]),
        [
          ['0', 'k1', 'v1', '1700000000000'],
          ['1', 'k2', 'v2', '1700000000005'],
        ],
      );
      if (version >= 7) assert.equal(parsed.sessionId, 123);
    }
  });

  test('ListOffsets v1-v3', async () => {
    for (let version = 1; version <= 3; version++) {
      const msg = createListOffsetsResponse({
        topics: [{ name: 'orders', partitions: [createListOffsetsPartitionResponse({ partitionIndex: 0, timestamp: -1n, offset: 1234n })] }],
      });
      const parsed = await kafkajsDecode(`listOffsets/v${version}`, ours(writeListOffsetsResponse, version, msg));
      assert.equal(parsed.responses[0].topic, 'orders');
      assert.deepEqual(parsed.responses[0].partitions[0], { partition: 0, errorCode: 0, timestamp: '-1', offset: '1234' });
    }
  });

  test('CreateTopics v0-v3', async () => {
    for (let version = 0; version <= 3; version++) {
      const msg = createCreateTopicsResponse({
        topics: [
          createCreatableTopicResult({ name: 'b-topic', errorCode: 0, errorMessage: null }),
          createCreatableTopicResult({ name: 'a-topic', errorCode: 0, errorMessage: null }),
        ],
      });
      const parsed = await kafkajsDecode(`createTopics/v${version}`, ours(writeCreateTopicsResponse, version, msg));
      assert.deepEqual(
        parsed.topicErrors.map((t: any) => [t.topic, t.errorCode]),
        [
          ['a-topic', 0],
          ['b-topic', 0],
        ],
      );
    }
  });
});
