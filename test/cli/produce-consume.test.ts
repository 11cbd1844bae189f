// `tributary produce` and `tributary consume` as child processes against the
// embedded broker: lines in with keys, records back in order per partition;
// values decoded (JSON, the protobuf type of a declared topic, text, hex);
// --group commits what it printed, so a second run prints nothing new.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, runCliProcess } from '../helpers/cli.js';
import { createProducer, type RawProducer } from '../../src/stream/kafka.js';
import { protobuf } from '../../src/stream/serde.js';
import { topic } from '../../src/stream/topic.js';
import { BackendApiActivitySchema } from '../../src/gen/tributary/activity/v1/activity_pb.js';
import { decodeGeneric, decodeText, decodeValue, knownTopics } from '../../src/cli/decode.js';

let broker: TestBroker;
let producer: RawProducer;

before(async () => {
  // No initial rebalance delay: each `consume` joins a group of its own.
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
  producer = createProducer({ brokers: [broker.address], clientId: 'cli-test' }, { autocreateTopics: true });
});

after(async () => {
  await producer.close();
  await broker.destroy();
});

/** `tributary <args>` with KAFKA_BROKERS pointing at the test broker. */
const cli = (args: string[], input?: string) => runCli(args, { env: { KAFKA_BROKERS: broker.address }, input });

function jsonLines(stdout: string): any[] {
  return stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

test('100 lines with --key-separator come back with their keys, in order per partition', async () => {
  assert.equal((await cli(['topics', 'create', 'cli-lines', '--partitions', '3'])).code, 0);
  const lines = Array.from({ length: 100 }, (_, i) => `user-${i % 7}|{"seq":${i},"user":"user-${i % 7}"}`);
  const produced = await cli(['produce', 'cli-lines', '--key-separator', '|', '--batch', '16'], lines.join('\n') + '\n');
  assert.equal(produced.code, 0, produced.stderr);
  assert.match(produced.stdout, /^100 record\(s\) acknowledged by cli-lines$/m);

  const consumed = await cli(['consume', 'cli-lines', '--from-beginning', '--json']);
  assert.equal(consumed.code, 0, consumed.stderr);
  const records = jsonLines(consumed.stdout);
  assert.equal(records.length, 100);
  const partitionOfKey = new Map<string, number>();
  const lastSeq = new Map<number, number>();
  const lastOffset = new Map<number, number>();
  for (const r of records) {
    assert.equal(r.topic, 'cli-lines');
    assert.equal(r.format, 'json');
    assert.equal(r.key, r.value.user);
    assert.equal(partitionOfKey.get(r.key) ?? r.partition, r.partition, `key ${r.key} on two partitions`);
    partitionOfKey.set(r.key, r.partition);
    assert.ok(r.value.seq > (lastSeq.get(r.partition) ?? -1), `partition ${r.partition}: ${r.value.seq} out of order`);
    assert.equal(r.offset, (lastOffset.get(r.partition) ?? -1) + 1);
    lastSeq.set(r.partition, r.value.seq);
    lastOffset.set(r.partition, r.offset);
    assert.equal(typeof r.timestamp, 'number');
  }
  assert.deepEqual(new Set(records.map((r) => r.value.seq)).size, 100);

  const first = await cli(['consume', 'cli-lines', '--from-beginning', '--max', '5', '--json']);
  assert.equal(jsonLines(first.stdout).length, 5);
  // Without --from-beginning and --follow there is nothing newer than "now".
  const latest = await cli(['consume', 'cli-lines', '--json']);
  assert.equal(latest.code, 0, latest.stderr);
  assert.equal(latest.stdout, '');
});

// A real process: once stdin ends it must exit by itself (on Node 24 it sent
// its records and then hung, its last batch failing on the closed readline).
test('with piped stdin, produce sends its records and exits', { timeout: 60_000 }, async () => {
  const produced = await runCliProcess(['produce', 'cli-piped', '-K', ':'], { env: { KAFKA_BROKERS: broker.address }, input: 'a:1\n' });
  assert.equal(produced.code, 0, produced.stderr);
  assert.match(produced.stdout, /^1 record\(s\) acknowledged by cli-piped$/m);
  const consumed = await cli(['consume', 'cli-piped', '--from-beginning', '--json']);
  assert.deepEqual(jsonLines(consumed.stdout).map((r) => [r.key, r.value]), [['a', 1]]);
});

test('--key gives every line the same key; the pretty format shows key, headers and value', async () => {
  const produced = await cli(['produce', 'cli-keyed', '--key', 'k1', '--header', 'source=test'], 'plain text\n{"a":[1,2]}\n');
  assert.equal(produced.code, 0, produced.stderr);
  assert.match(produced.stdout, /2 record\(s\) acknowledged/);
  const consumed = await cli(['consume', 'cli-keyed', '--from-beginning']);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.match(consumed.stdout, /cli-keyed \[0\] offset 0/);
  assert.match(consumed.stdout, /key: k1/);
  assert.match(consumed.stdout, /headers: source=test/);
  assert.match(consumed.stdout, /plain text/);
  assert.match(consumed.stdout, /\{\n {2}"a": \[\n {4}1,/);
});

test('--group commits what it printed: lag 0, and a second run prints only what is new', async () => {
  const lines = Array.from({ length: 30 }, (_, i) => `k${i % 3}:${i}`);
  assert.equal((await cli(['topics', 'create', 'cli-grouped', '--partitions', '2'])).code, 0);
  assert.equal((await cli(['produce', 'cli-grouped', '-K', ':'], lines.join('\n'))).code, 0);

  const first = await cli(['consume', 'cli-grouped', '--group', 'cli-g', '--from-beginning', '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(jsonLines(first.stdout).length, 30);

  const described = await cli(['groups', 'describe', 'cli-g', '--json']);
  assert.equal(described.code, 0, described.stderr);
  const g = JSON.parse(described.stdout);
  assert.equal(g.totalLag, 0);
  assert.equal(g.partitions.reduce((n: number, p: { committed: number }) => n + p.committed, 0), 30);

  const again = await cli(['consume', 'cli-grouped', '--group', 'cli-g', '--from-beginning', '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '');

  assert.equal((await cli(['produce', 'cli-grouped', '-K', ':'], 'k1:new-1\nk2:new-2\n')).code, 0);
  const newer = await cli(['consume', 'cli-grouped', '--group', 'cli-g', '--json']);
  assert.deepEqual(jsonLines(newer.stdout).map((r) => r.value).sort(), ['new-1', 'new-2']);

  // --max commits only the records it printed.
  assert.equal((await cli(['produce', 'cli-grouped', '--key', 'k1'], 'a\nb\nc\n')).code, 0);
  const two = await cli(['consume', 'cli-grouped', '--group', 'cli-g', '--max', '2', '--json']);
  assert.deepEqual(jsonLines(two.stdout).map((r) => r.value), ['a', 'b']);
  const rest = await cli(['consume', 'cli-grouped', '--group', 'cli-g', '--json']);
  assert.deepEqual(jsonLines(rest.stdout).map((r) => r.value), ['c']);
});

test('binary values print as hex, null values as null', async () => {
  await producer.send({
    messages: [
      { topic: 'cli-binary', value: Buffer.from([0, 1, 2, 0xff]), key: Buffer.from('bin') },
      { topic: 'cli-binary', value: null as unknown as Buffer, key: Buffer.from('gone') },
    ],
  });
  const consumed = await cli(['consume', 'cli-binary', '--from-beginning', '--json']);
  assert.equal(consumed.code, 0, consumed.stderr);
  const [bin, tombstone] = jsonLines(consumed.stdout);
  assert.deepEqual([bin.format, bin.value, bin.key], ['binary', '000102ff', 'bin']);
  assert.deepEqual([tombstone.format, tombstone.value, tombstone.key], ['null', null, 'gone']);
});

test('a BackendApiActivity on Users prints decoded when the activity service declares the topic', async (t) => {
  const users = (await knownTopics({ brokers: [broker.address], clientId: 'cli-test' })).get('Users');
  if (!users || users.serde.contentType !== 'application/x-protobuf') {
    t.skip('the activity service does not declare Users with protobuf yet (decode.ts is tested below)');
    return;
  }
  const activity = create(BackendApiActivitySchema, { clientHost: '10.0.0.7', clientPort: '51234', endpoint: '/users', httpMethod: 'GET', clientPortNumber: 51234 });
  await producer.send({ messages: [{ topic: 'Users', value: users.serde.encode(activity as never) }] });
  const consumed = await cli(['consume', 'Users', '--from-beginning', '--json']);
  assert.equal(consumed.code, 0, consumed.stderr);
  const records = jsonLines(consumed.stdout);
  const last = records[records.length - 1];
  assert.equal(last.format, 'protobuf');
  assert.equal(last.type, 'tributary.activity.v1.BackendApiActivity');
  assert.deepEqual(last.value, { clientHost: '10.0.0.7', clientPort: '51234', endpoint: '/users', httpMethod: 'GET', clientPortNumber: 51234 });
});

test('decodeValue: protobuf by the topic serde, then JSON, text and hex', () => {
  const declared = topic('Activity', { serde: protobuf(BackendApiActivitySchema) });
  const bytes = declared.serde.encode(create(BackendApiActivitySchema, { clientHost: 'h', clientPort: '1', endpoint: '/e', httpMethod: 'POST', clientPortNumber: 1 }));
  assert.deepEqual(decodeValue(bytes, declared), {
    format: 'protobuf',
    type: 'tributary.activity.v1.BackendApiActivity',
    value: { clientHost: 'h', clientPort: '1', endpoint: '/e', httpMethod: 'POST', clientPortNumber: 1 },
  });
  // Without the declaration the same bytes are binary.
  assert.equal(decodeValue(bytes).format, 'binary');
  // Bytes that are not the declared type fall back, saying why.
  const wrong = decodeValue(Buffer.from([0xff, 0xff, 0xff]), declared);
  assert.equal(wrong.format, 'binary');
  assert.ok(wrong.error);
  assert.deepEqual(decodeGeneric(Buffer.from('{"big":1}')), { format: 'json', value: { big: 1 } });
  assert.deepEqual(decodeGeneric(Buffer.from('hello\tworld')), { format: 'text', value: 'hello\tworld' });
  assert.deepEqual(decodeGeneric(Buffer.from([0x68, 0x00])), { format: 'binary', value: '6800' });
  assert.equal(decodeText(Buffer.from([1, 2])), '0x0102');
  assert.equal(decodeValue(null).format, 'null');
});
