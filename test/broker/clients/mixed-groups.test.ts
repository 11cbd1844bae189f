// Members of two client libraries that share no assignor cannot form a group:
// kafkajs proposes "RoundRobinAssigner", @platformatic/kafka "roundrobin", so
// whichever joins second gets INCONSISTENT_GROUP_PROTOCOL, as Kafka answers,
// and the first keeps the group to itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import type { Kafka } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';

let broker: TestBroker;
let kafka: Kafka;

before(async () => {
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000 });
  kafka = kafkajsClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'mixed', numPartitions: 2 }] });
  await admin.disconnect();
});

after(async () => {
  await broker.destroy();
});

/** kafkajs consumers have on() but not once(): resolve on the first event. */
const nextEvent = <T>(consumer: { on(event: any, listener: (e: any) => void): unknown }, event: string) =>
  new Promise<T>((resolve) => consumer.on(event, resolve));

const closeConsumer = (consumer: Consumer<string, string, string, string>) =>
  new Promise<void>((resolve) => consumer.close(true, () => resolve()));

test('a platformatic consumer cannot join a kafkajs group', async () => {
  const member = kafka.consumer({ groupId: 'mixed-a', sessionTimeout: 6000, maxWaitTimeInMs: 100 });
  await member.connect();
  await member.subscribe({ topic: 'mixed' });
  const joined = nextEvent(member, member.events.GROUP_JOIN);
  await member.run({ eachMessage: async () => {} });
  await joined;

  const intruder = new Consumer({ groupId: 'mixed-a', clientId: 'pk-intruder', bootstrapBrokers: [broker.address], deserializers: stringDeserializers, retries: 0 });
  try {
    await assert.rejects(intruder.consume({ topics: ['mixed'], sessionTimeout: 6000 }), (err: any) => {
      const cause = err.findBy?.('apiCode', 23) ?? err;
      assert.equal(cause.apiId, 'INCONSISTENT_GROUP_PROTOCOL');
      return true;
    });
    const [group] = broker.broker.groups.describeAll().filter((g) => g.groupId === 'mixed-a');
    assert.equal(group!.state, 'Stable');
    assert.equal(group!.protocolName, 'RoundRobinAssigner');
    assert.equal(group!.members.length, 1, 'the kafkajs member keeps the group');
  } finally {
    await closeConsumer(intruder);
    await member.disconnect();
  }
});

test('a kafkajs consumer cannot join a platformatic group', async () => {
  const owner = new Consumer({ groupId: 'mixed-b', clientId: 'pk-owner', bootstrapBrokers: [broker.address], deserializers: stringDeserializers });
  await owner.consume({ topics: ['mixed'], sessionTimeout: 6000 });
  const intruder = kafka.consumer({ groupId: 'mixed-b', sessionTimeout: 6000, retry: { retries: 0 } });
  try {
    await intruder.connect();
    await intruder.subscribe({ topic: 'mixed' });
    const crashed = nextEvent<{ payload: { error: { type: string } } }>(intruder, intruder.events.CRASH);
    await intruder.run({ eachMessage: async () => {} });
    const event = await crashed;
    assert.equal(event.payload.error.type, 'INCONSISTENT_GROUP_PROTOCOL');
    const [group] = broker.broker.groups.describeAll().filter((g) => g.groupId === 'mixed-b');
    assert.equal(group!.protocolName, 'roundrobin');
    assert.equal(group!.members.length, 1);
  } finally {
    await intruder.disconnect();
    await closeConsumer(owner);
  }
});
