// `tributary state send` as a user runs it: a child process against a real
// embedded broker, the record read back with kafkajs; usage errors exit 2.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Kafka } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { kafkajsAdmin, readAll } from '../helpers/kafkajs.js';

describe('tributary state', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  before(async () => {
    broker = await startTestBroker();
    ({ kafka, admin } = await kafkajsAdmin(broker.address));
  });
  after(async () => {
    await admin?.disconnect();
    await broker?.destroy();
  });

  test('--help prints the usage, exit 0', async () => {
    const r = await runCli(['state', '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage: tributary state send \[--state N\] \[--text T\]/);
  });

  for (const [args, message] of [
    [['send', '--state', 'abc'], /--state must be an integer, got "abc"/],
    [['send', '--state', '1.5'], /--state must be an integer/],
    [['send', '--bogus'], /Unknown option '--bogus'/],
    [['nope'], /unknown subcommand "nope"/],
    [[], /missing subcommand "send"/],
  ] as const) {
    test(`state ${args.join(' ') || '(no subcommand)'} is a usage error, exit 2`, async () => {
      const r = await runCli(['state', ...args], { env: { KAFKA_BROKERS: broker.address } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  test('send creates the topic, sends one message and prints it', async () => {
    const r = await runCli(['state', 'send', '--state', '42', '--text', 'hello'], { env: { KAFKA_BROKERS: broker.address } });
    assert.equal(r.code, 0, r.stderr);
    const sent = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(sent).sort(), ['message_id', 'state', 'text']);
    assert.equal(sent.state, 42);
    assert.equal(sent.text, 'hello');
    const records = await readAll(kafka, admin, 'state');
    assert.equal(records.length, 1);
    assert.deepEqual(JSON.parse(records[0]!.value!), sent);
  });

  test('without --state it sends a random state 0..100, to KAFKA_TOPIC', async () => {
    const r = await runCli(['state', 'send'], { env: { KAFKA_BROKERS: broker.address, KAFKA_TOPIC: 'state_other' } });
    assert.equal(r.code, 0, r.stderr);
    const sent = JSON.parse(r.stdout);
    assert.ok(Number.isInteger(sent.state) && sent.state >= 0 && sent.state <= 100, String(sent.state));
    const records = await readAll(kafka, admin, 'state_other');
    assert.deepEqual(records.map((m) => JSON.parse(m.value!)), [sent]);
  });
});
