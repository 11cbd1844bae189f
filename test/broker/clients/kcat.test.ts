// kcat (librdkafka 2.x) against the embedded broker: metadata listing, produce
// with keys and headers to several partitions, and consume from the beginning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kcat } from '../../helpers/kcat.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({ defaultPartitions: 3 });
});

after(async () => {
  await broker.destroy();
});

test('kcat -L lists the broker and its topics', async () => {
  await broker.broker.topics.create('listed', 4);
  const { code, stdout, stderr } = await kcat(['-b', broker.address, '-L']);
  assert.equal(code, 0, stderr);
  assert.match(stdout, new RegExp(`broker ${broker.broker.nodeId} at ${broker.host}:${broker.port}`));
  assert.match(stdout, /topic "listed" with 4 partitions/);
  for (let p = 0; p < 4; p++) assert.match(stdout, new RegExp(`partition ${p}, leader ${broker.broker.nodeId}, replicas: ${broker.broker.nodeId}, isrs: ${broker.broker.nodeId}`));
});

test('kcat -P with keys and headers, then kcat -C -o beginning -e returns exactly that', async () => {
  const topic = 'kcat-roundtrip';
  const expected: string[] = [];
  for (let p = 0; p < 3; p++) {
    const lines = Array.from({ length: 50 }, (_, i) => `p${p}-line-${i} ünïcødé`);
    const res = await kcat(['-b', broker.address, '-P', '-t', topic, '-p', String(p), '-k', `key-${p}`, '-H', `origin=kcat-${p}`, '-H', 'trace=abc'], lines.join('\n') + '\n');
    assert.equal(res.code, 0, res.stderr);
    for (const line of lines) expected.push(`${p}|key-${p}|${line}|origin=kcat-${p},trace=abc`);
  }
  const res = await kcat(['-b', broker.address, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p|%k|%s|%h\n']);
  assert.equal(res.code, 0, res.stderr);
  const got = res.stdout.trimEnd().split('\n');
  // Partitions are consumed in parallel: compare per partition, in order.
  for (let p = 0; p < 3; p++) {
    assert.deepEqual(got.filter((l) => l.startsWith(`${p}|`)), expected.filter((l) => l.startsWith(`${p}|`)));
  }
  assert.equal(got.length, expected.length);
});

test('kcat with a key per line (-K) spreads over partitions and reads back every message once', async () => {
  const topic = 'kcat-keyed';
  await broker.broker.topics.create(topic, 6);
  const lines = Array.from({ length: 600 }, (_, i) => `user-${i % 37}:event-${i}`);
  const res = await kcat(['-b', broker.address, '-P', '-t', topic, '-K', ':', '-z', 'gzip'], lines.join('\n') + '\n');
  assert.equal(res.code, 0, res.stderr);
  const out = await kcat(['-b', broker.address, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %k %s\n']);
  assert.equal(out.code, 0, out.stderr);
  const rows = out.stdout.trimEnd().split('\n').map((l) => l.split(' '));
  assert.equal(rows.length, 600);
  const partitionsUsed = new Set(rows.map((r) => r[0]));
  assert.ok(partitionsUsed.size > 1, 'keys spread over several partitions');
  const values = new Set(rows.map((r) => r[3]));
  assert.equal(values.size, 600);
  const keyPartition = new Map<string, string>();
  for (const [p, , k] of rows) {
    assert.equal(keyPartition.get(k!) ?? p, p, `key ${k} in one partition`);
    keyPartition.set(k!, p!);
  }
});
