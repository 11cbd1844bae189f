// `tributary topics` as a user runs it (a child process, KAFKA_BROKERS set)
// against the embedded broker: create, list, describe, delete, and the Kafka
// error name when the broker refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker();
});

after(async () => {
  await broker.destroy();
});

/** `tributary <args>` with KAFKA_BROKERS pointing at the test broker. */
const cli = (args: string[]) => runCli(args, { env: { KAFKA_BROKERS: broker.address } });

test('create, list, describe and delete a topic', async () => {
  const created = await cli(['topics', 'create', 'cli-orders', '--partitions', '3', '--config', 'retention.ms=123456', '--config', 'cleanup.policy=compact']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /created topic cli-orders with 3 partition/);

  const listed = await cli(['topics', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^TOPIC\s+PARTITIONS\s+REPLICAS$/m);
  assert.match(listed.stdout, /^cli-orders\s+3\s+1$/m);
  assert.doesNotMatch(listed.stdout, /__consumer_offsets/);

  // --all: the internal topics too, with their real counts (the client's own metadata leaves them out).
  const offsets = broker.broker.topics.get('__consumer_offsets')!;
  const all = await cli(['topics', 'list', '--all']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, new RegExp(`^__consumer_offsets\\s+${offsets.partitions.length}\\s+1$`, 'm'));
  assert.match(all.stdout, /^cli-orders\s+3\s+1$/m);
  const allJson = (await cli(['topics', 'list', '--all', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(allJson.find((r) => r.name === '__consumer_offsets'), { name: '__consumer_offsets', partitions: offsets.partitions.length, replicas: 1 });

  const json = await cli(['topics', 'list', '--json']);
  const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.find((r) => r.name === 'cli-orders'), { name: 'cli-orders', partitions: 3, replicas: 1 });

  const described = await cli(['topics', 'describe', 'cli-orders', '--json']);
  assert.equal(described.code, 0, described.stderr);
  const d = JSON.parse(described.stdout);
  assert.equal(d.partitions.length, 3);
  for (const [i, p] of d.partitions.entries()) {
    assert.equal(p.partition, i);
    assert.equal(p.leader, broker.broker.nodeId);
    assert.equal(p.endOffset, '0');
  }
  const config = (name: string) => d.configs.find((c: { name: string }) => c.name === name);
  assert.deepEqual(config('retention.ms'), { name: 'retention.ms', value: '123456', source: 'topic' });
  assert.deepEqual(config('cleanup.policy'), { name: 'cleanup.policy', value: 'compact', source: 'topic' });

  const text = await cli(['topics', 'describe', 'cli-orders']);
  assert.match(text.stdout, /^PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+START\s+END$/m);
  assert.match(text.stdout, /^retention\.ms\s+123456\s+topic$/m);

  const deleted = await cli(['topics', 'delete', 'cli-orders']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const after = await cli(['topics', 'list']);
  assert.doesNotMatch(after.stdout, /cli-orders/);
});

test('creating an existing topic exits 1 naming TOPIC_ALREADY_EXISTS', async () => {
  assert.equal((await cli(['topics', 'create', 'cli-twice'])).code, 0);
  const again = await cli(['topics', 'create', 'cli-twice']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /TOPIC_ALREADY_EXISTS/);
});

test('describing or deleting a missing topic exits 1 naming the error', async () => {
  const described = await cli(['topics', 'describe', 'cli-missing']);
  assert.equal(described.code, 1);
  assert.match(described.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
  const deleted = await cli(['topics', 'delete', 'cli-missing']);
  assert.equal(deleted.code, 1);
  assert.match(deleted.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
});
