// System 2 end to end: GET /state on a real broker, fed by `tributary state send`
// (a child process, as a user runs it) and by App.send; restarts, several API
// instances and garbage on the topic.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, type App } from '../../src/stream/app.js';
import type { Topic } from '../../src/stream/topic.js';
import { LatestState } from '../../src/services/state/latest.js';
import type { StateMessage } from '../../src/services/state/schemas.js';
import { stateTopicOptions } from '../../src/services/state/topics.js';
import { runCli } from '../helpers/cli.js';
import { kafkajsClient } from '../helpers/kafkajs.js';
import { api, eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

async function stateOf(url: string): Promise<number> {
  const res = await api(url, 'GET', '/state');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.state;
}

describe('state', () => {
  let system: TestSystem;
  let producer: App;
  let topic: Topic<StateMessage, string>;
  let n = 0;
  const send = async (state: number) => {
    await producer.send(topic, [{ value: { message_id: `m-${++n}`, text: `test ${state}`, state } }]);
  };
  const sendRaw = async (values: string[]) => {
    const p = kafkajsClient(system.broker.address).producer();
    await p.connect();
    try {
      await p.send({ topic: 'state', acks: -1, messages: values.map((value) => ({ value })) });
    } finally {
      await p.disconnect();
    }
  };

  before(async () => {
    system = await startTestSystem({ services: ['state'] });
    producer = createApp({ id: 'state-test', kafka: system.kafka });
    topic = producer.topic('state', stateTopicOptions());
  });
  after(async () => {
    await producer?.closeProducer();
    await system?.close();
  });

  test('GET /state is 0 before any message', async () => {
    const res = await api(system.url, 'GET', '/state');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { state: 0 });
  });

  test('`tributary state send --state 42` sets the state', async () => {
    const { code, stdout, stderr } = await runCli(['state', 'send', '--state', '42'], { env: { KAFKA_BROKERS: system.broker.address } });
    assert.equal(code, 0, stderr);
    const sent = JSON.parse(stdout);
    assert.equal(sent.state, 42);
    assert.match(sent.message_id, /^[0-9a-f-]{36}$/);
    await eventually(async () => (await stateOf(system.url)) === 42, 'state 42');
  });

  test('a message sent with App.send sets the state', async () => {
    await send(7);
    await eventually(async () => (await stateOf(system.url)) === 7, 'state 7');
    await send(8);
    await send(9);
    await eventually(async () => (await stateOf(system.url)) === 9, 'state 9');
  });

  test('after a restart the first GET /state already answers the latest state', async () => {
    system = await system.restart();
    assert.deepEqual((await api(system.url, 'GET', '/state')).body, { state: 9 });
  });

  test('two API instances on one broker both see an update', async () => {
    const other = await startTestSystem({ services: ['state'], existingBroker: system.broker });
    try {
      assert.equal(await stateOf(other.url), 9, 'a new instance starts at the latest state');
      await send(123);
      await eventually(async () => (await stateOf(system.url)) === 123, 'state 123 on the first instance');
      await eventually(async () => (await stateOf(other.url)) === 123, 'state 123 on the second instance');
    } finally {
      await other.close();
    }
  });

  test('garbage on the topic is skipped; the API keeps answering', async () => {
    await sendRaw(['not json', '{"state": "x"}', '{"message_id": 1, "text": "no state"}', '{"message_id": "a", "text": "t", "state": 1.5}']);
    await send(55);
    await eventually(async () => (await stateOf(system.url)) === 55, 'state 55 after the garbage');
  });

  test('a message with only state moves the state: message_id and text are optional', async () => {
    await sendRaw(['{"state": 4242}']);
    await eventually(async () => (await stateOf(system.url)) === 4242, 'state 4242 from {"state": 4242}');
  });

  test('a restart whose last message is garbage finds the latest valid state', async () => {
    await send(66);
    await sendRaw(['{"broken":']);
    // Wait for the running API to have passed both, so the restart is the only variable.
    await eventually(async () => (await stateOf(system.url)) === 66, 'state 66');
    system = await system.restart();
    assert.equal(await stateOf(system.url), 66);
    await send(67);
    await eventually(async () => (await stateOf(system.url)) === 67, 'state 67 after the restart');
  });
});

describe('LatestState', () => {
  const msg = (state: number): StateMessage => ({ message_id: String(state), text: '', state });

  test('is 0 before any message', () => {
    assert.equal(new LatestState().state, 0);
  });

  test('within a partition the log order wins, whatever the timestamps', () => {
    const l = new LatestState();
    l.offer(msg(1), { partition: 0, offset: 0n, timestamp: 200n });
    l.offer(msg(2), { partition: 0, offset: 1n, timestamp: 100n });
    assert.equal(l.state, 2);
  });

  test('across partitions the later timestamp wins', () => {
    const l = new LatestState();
    l.offer(msg(1), { partition: 0, offset: 5n, timestamp: 200n });
    assert.equal(l.offer(msg(2), { partition: 1, offset: 9n, timestamp: 100n }), false);
    assert.equal(l.state, 1);
    l.offer(msg(3), { partition: 1, offset: 10n, timestamp: 300n });
    assert.equal(l.state, 3);
  });
});
