// Finding 3 of the abuse review, the fetch part: fetches with max_bytes 2^31-1
// returned a whole 307 MB partition each. Now the broker's fetch.max.bytes caps
// the answer and max.partition.fetch.bytes each partition's share, still giving at
// least one whole batch (KIP-74), and a real consumer (kcat) reads everything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient, freshApiVersions } from '../../helpers/raw-client.js';
import { kcat } from '../../helpers/kcat.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { defaultFetchRequest } from '../../../src/broker/protocol/messages/fetch-request.js';
import { buildBatch } from '../../../src/broker/records/index.js';

const KiB = 1024;
const FETCH_MAX = 1024 * KiB;
const PARTITION_MAX = 400 * KiB;
const INT32_MAX = 2 ** 31 - 1;
const BATCHES = 24;
const RECORD = 60 * KiB;
let broker: TestBroker;
let topicId: string;

before(async () => {
  broker = await startTestBroker({ fetchMaxBytes: FETCH_MAX, fetchMaxPartitionBytes: PARTITION_MAX });
  topicId = (await broker.broker.topics.create('big-reads', 4)).id;
  const client = await RawClient.connect(broker.port);
  try {
    // Partitions 0-2: 24 batches of one 60 KiB record (about 1.4 MiB each); partition 3: one 700 KiB batch.
    for (let i = 0; i < BATCHES; i++) {
      const partitionData = [0, 1, 2].map((index) => ({ index, records: buildBatch({ records: [{ key: `k${i}`, value: Buffer.alloc(RECORD, i) }] }) }));
      const res = await client.request(ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'big-reads', partitionData }] });
      for (const p of res.responses[0].partitionResponses) assert.equal(p.errorCode, ErrorCode.NONE);
    }
    const big = buildBatch({ records: [{ key: 'big', value: Buffer.alloc(700 * KiB, 9) }] });
    await client.request(ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'big-reads', partitionData: [{ index: 3, records: big }] }] });
  } finally {
    client.close();
  }
});

after(async () => {
  await broker.destroy();
});

const fetchAll = (client: RawClient, partitions: number[]) =>
  client.request(ApiKey.Fetch, 12, {
    ...defaultFetchRequest(),
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: INT32_MAX,
    topics: [
      {
        topic: 'big-reads',
        topicId,
        partitions: partitions.map((partition) => ({ partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: INT32_MAX, replicaDirectoryId: topicId })),
      },
    ],
  });

test('a fetch asking 2^31-1 bytes of every partition gets at most fetch.max.bytes, each partition at most max.partition.fetch.bytes', async () => {
  const clients = await Promise.all([0, 1, 2, 3].map(() => RawClient.connect(broker.port)));
  try {
    // Four at once, as in the finding, with a fresh client's ApiVersions among them.
    const abuse = clients.map((c) => fetchAll(c, [0, 1, 2]));
    const during = await freshApiVersions(broker.port);
    for (const res of await Promise.all(abuse)) {
      const sizes = res.responses[0].partitions.map((p: { records: Buffer }) => p.records.length);
      const total = sizes.reduce((a: number, b: number) => a + b, 0);
      for (const s of sizes) assert.ok(s <= PARTITION_MAX, `partition share ${s}`);
      assert.ok(sizes[0] > 0 && sizes[1] > 0, `sizes ${sizes}`);
      assert.ok(total <= FETCH_MAX, `total ${total}`);
    }
    console.log(`fresh ApiVersions during the fetches: ${during.toFixed(1)} ms, after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
  } finally {
    for (const c of clients) c.close();
  }
});

test('a first batch larger than max.partition.fetch.bytes is still returned whole', async () => {
  const client = await RawClient.connect(broker.port);
  try {
    const res = await fetchAll(client, [3, 0]);
    const [big, next] = res.responses[0].partitions;
    assert.ok(big.records.length > 700 * KiB && big.records.length > PARTITION_MAX, `${big.records.length}`);
    assert.ok(big.records.length + next.records.length <= Math.max(FETCH_MAX, big.records.length));
  } finally {
    client.close();
  }
});

test('kcat reads every record through the caps', async () => {
  const out = await kcat(['-b', broker.address, '-C', '-t', 'big-reads', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k\\n']);
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(out.stdout.trim().split('\n'), Array.from({ length: BATCHES }, (_, i) => `k${i}`));
  console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
});
