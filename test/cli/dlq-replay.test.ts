// `tributary dlq replay` in-process against the embedded broker: dead letters
// go back to the topic their headers name with their key, value, headers (not
// the DLQ's) and timestamp; a second run sends nothing; --reason, --to,
// --dry-run and --all; records without DLQ headers are skipped and counted;
// usage mistakes exit 2, unknown topics 1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { createProducer, type RawProducer } from '../../src/stream/kafka.js';
import { deadLetterHeaders } from '../../src/stream/dlq.js';
import { DatabaseUnavailableError } from '../../src/db/errors.js';
import { REPLAY_GROUP_PREFIX } from '../../src/cli/commands/dlq-replay.js';

let broker: TestBroker;
let producer: RawProducer;

before(async () => {
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
  producer = createProducer({ brokers: [broker.address], clientId: 'dlq-test' }, { autocreateTopics: false });
});

after(async () => {
  await producer.close();
  await broker.destroy();
});

const cli = (args: string[]) => runCli(args, { env: { KAFKA_BROKERS: broker.address } });

async function createTopics(...names: string[]): Promise<void> {
  for (const name of names) {
    const created = await cli(['topics', 'create', name, '--partitions', '2']);
    assert.equal(created.code, 0, created.stderr);
  }
}

interface Letter {
  key: string;
  value: string;
  error?: unknown;
  source?: string;
  /** A header of the original record, kept by the replay. */
  trace?: string;
}

/** Writes dead letters as an agent does (deadLetterHeaders), or, without `source`, a record with no DLQ headers. */
async function deadLetter(dlq: string, letters: Letter[]): Promise<void> {
  await producer.send({
    messages: letters.map((l, i) => {
      const own = new Map<Buffer, Buffer>(l.trace ? [[Buffer.from('trace'), Buffer.from(l.trace)]] : []);
      const headers = l.source
        ? deadLetterHeaders({ topic: l.source, partition: 0, offset: BigInt(i), timestamp: 1_700_000_000_000n + BigInt(i), key: Buffer.from(l.key), value: Buffer.from(l.value), headers: own, error: l.error, attempts: 3 })
        : own;
      return { topic: dlq, key: Buffer.from(l.key), value: Buffer.from(l.value), headers };
    }),
  });
}

async function records(topic: string): Promise<any[]> {
  const consumed = await cli(['consume', topic, '--from-beginning', '--json']);
  assert.equal(consumed.code, 0, consumed.stderr);
  return consumed.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

const unavailable = new DatabaseUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));

test('dead letters go back to their topic once; a second run sends nothing', async () => {
  await createTopics('orders', 'orders.dlq');
  await deadLetter('orders.dlq', [
    { key: 'o1', value: '{"id":"o1"}', error: unavailable, source: 'orders', trace: 't1' },
    { key: 'o2', value: '{"id":"o2"}', error: new TypeError('boom'), source: 'orders' },
    { key: 'stray', value: 'not a dead letter' },
  ]);

  const first = await cli(['dlq', 'replay', 'orders.dlq']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^replayed 2 of 3 record\(s\) from orders\.dlq, skipped 1 \(1 without DLQ headers\)$/m);
  assert.match(first.stdout, /^orders\s+orders\s+2$/m);
  assert.match(first.stderr, /dlq replay: 3\/3 \(100%\)/, 'the progress line');

  const replayed = (await records('orders')).sort((a, b) => a.key.localeCompare(b.key));
  assert.deepEqual(replayed.map((r) => [r.key, r.value]), [['o1', { id: 'o1' }], ['o2', { id: 'o2' }]]);
  assert.deepEqual(replayed[0].headers, { trace: 't1' }, 'the record\'s own headers, none of the DLQ\'s');
  assert.deepEqual(replayed[1].headers, {});
  assert.deepEqual(replayed.map((r) => r.timestamp), [1_700_000_000_000, 1_700_000_000_001], 'the original timestamps');

  const second = await cli(['dlq', 'replay', 'orders.dlq']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^replayed 0 of 0 record\(s\) from orders\.dlq, skipped 0$/m);
  assert.equal((await records('orders')).length, 2);

  // Dead-lettered since: only that one goes.
  await deadLetter('orders.dlq', [{ key: 'o3', value: '{"id":"o3"}', error: unavailable, source: 'orders' }]);
  const third = await cli(['dlq', 'replay', 'orders.dlq']);
  assert.match(third.stdout, /^replayed 1 of 1 record\(s\)/m);
  assert.deepEqual((await records('orders')).map((r) => r.key).sort(), ['o1', 'o2', 'o3']);

  const groups = await cli(['groups', 'list']);
  assert.match(groups.stdout, new RegExp(`^${REPLAY_GROUP_PREFIX}orders\\.dlq\\s`, 'm'), 'the position is in the replay group');
});

test('--reason, --dry-run, --all and --to', async () => {
  await createTopics('carts', 'carts.dlq', 'carts-retry');
  await deadLetter('carts.dlq', [
    { key: 'c1', value: '1', error: unavailable, source: 'carts' },
    { key: 'c2', value: '2', error: new RangeError('price below zero'), source: 'carts' },
    { key: 'c3', value: '3', error: unavailable, source: 'carts' },
  ]);

  const dry = await cli(['dlq', 'replay', 'carts.dlq', '--reason', 'Database Unavailable', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^would replay 2 of 3 record\(s\) from carts\.dlq, skipped 1 \(1 not matching --reason\)$/m);
  assert.match(dry.stdout, /^carts\.dlq \[\d\] offset \d → carts  key c1  database unavailable: connect ECONNREFUSED/m);
  assert.doesNotMatch(dry.stdout, /key c2/);
  assert.equal((await records('carts')).length, 0, 'a dry run sends nothing');

  // The dry run committed nothing: the real run sees all three. The error type matches too.
  const real = await cli(['dlq', 'replay', 'carts.dlq', '--reason', 'DatabaseUnavailableError']);
  assert.match(real.stdout, /^replayed 2 of 3 record\(s\) from carts\.dlq, skipped 1 \(1 not matching --reason\)$/m);
  assert.deepEqual((await records('carts')).map((r) => r.key).sort(), ['c1', 'c3']);

  // Skipped records are passed too: nothing is left for a plain run.
  assert.match((await cli(['dlq', 'replay', 'carts.dlq'])).stdout, /^replayed 0 of 0 /m);

  const all = await cli(['dlq', 'replay', 'carts.dlq', '--all', '--to', 'carts-retry']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^replayed 3 of 3 record\(s\) from carts\.dlq, skipped 0$/m);
  assert.match(all.stdout, /^carts\s+carts-retry\s+3$/m);
  assert.deepEqual((await records('carts-retry')).map((r) => r.key).sort(), ['c1', 'c2', 'c3']);
  assert.equal((await records('carts')).length, 2, '--to sends nothing to the source topic');
});

test('unknown topics exit 1 naming them; usage mistakes exit 2', async () => {
  const missing = await cli(['dlq', 'replay', 'nowhere.dlq']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /UNKNOWN_TOPIC_OR_PARTITION: topic nowhere\.dlq does not exist/);

  await createTopics('gone.dlq');
  assert.equal((await cli(['dlq', 'replay', 'gone.dlq', '--to', 'nowhere'])).code, 1);
  await deadLetter('gone.dlq', [{ key: 'g1', value: 'x', error: unavailable, source: 'gone' }]);
  const noSource = await cli(['dlq', 'replay', 'gone.dlq']);
  assert.equal(noSource.code, 1);
  assert.match(noSource.stderr, /topic gone \(to replay to\) does not exist; create it or use --to/);
  assert.match(noSource.stdout, /^replayed 0 of 1 /m);

  const help = await cli(['dlq', 'replay', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, new RegExp(`consumer group\\s+${REPLAY_GROUP_PREFIX}<dlq-topic>`));
  for (const args of [['dlq'], ['dlq', 'purge'], ['dlq', 'replay'], ['dlq', 'replay', 'a', 'b'], ['dlq', 'replay', 'x', '--batch', '0'], ['dlq', 'replay', 'x', '--nope'], ['dlq', 'replay', 'x', '--reason', '  ']]) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^tributary dlq: /);
  }
});
