// The API's own followers (the state service's latest message, the activity
// and sessions views) read their topics in no consumer group: restarting the
// API five times leaves no group behind in `tributary groups list`, the views
// still see updates after the restarts, and two API instances both see one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/stream/app.js';
import type { Topic } from '../../src/stream/topic.js';
import type { StateMessage } from '../../src/services/state/schemas.js';
import { stateTopicOptions } from '../../src/services/state/topics.js';
import { inputTopic } from '../../src/services/sessions/topics.js';
import { runCli } from '../helpers/cli.js';
import { api, eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

const SERVICES = ['state', 'activity', 'sessions'];

describe('the API joins no consumer group', () => {
  let system: TestSystem;
  let producer: App;
  let stateTopic: Topic<StateMessage, string>;
  let n = 0;

  /** `tributary groups list --all --json`, in-process: the group ids. */
  const groups = async (): Promise<string[]> => {
    const r = await runCli(['groups', 'list', '--all', '--json'], { env: { KAFKA_BROKERS: system.broker.address } });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).group as string)
      .sort();
  };
  /** The groups of the services' agents: the workers', which are meant to stay. */
  const workerGroups = () => [...new Set(system.services.flatMap((s) => s.app.graph().nodes.filter((node) => node.kind === 'agent').map((node) => String(node.details.group))))].sort();

  const sendState = (state: number) => producer.send(stateTopic, [{ value: { message_id: `m-${++n}`, text: `test ${state}`, state } }]);
  const stateOf = async (url: string) => (await api(url, 'GET', '/state')).body.state as number;
  /** A user event for a new user; answers the user's id. */
  const sendEvent = async () => {
    const userId = `user-${randomUUID()}`;
    const t = Date.now();
    const metadata = { messageId: randomUUID(), sentAt: t, timestamp: t, receivedAt: t, apiKey: 'k', spaceId: 's', version: '1' };
    await producer.send(inputTopic(), [{ key: userId, value: { userId, visitorId: 'v', type: 'track', metadata, event: 'Viewed', eventData: {} } }]);
    return userId;
  };
  const hasSummary = async (url: string, userId: string) => (await api(url, 'GET', `/api/summaries/${userId}`)).status === 200;
  const postsCounted = async (url: string) => {
    const res = await api(url, 'GET', '/api/activity');
    return (res.body.totals as { endpoint: string; method: string; count: number }[]).find((t) => t.endpoint === '/users' && t.method === 'POST')?.count ?? 0;
  };

  before(async () => {
    system = await startTestSystem({ services: SERVICES });
    producer = createApp({ id: 'api-groups-test', kafka: system.kafka });
    stateTopic = producer.topic('state', stateTopicOptions());
  });
  after(async () => {
    await producer?.closeProducer();
    await system?.close();
  });

  test('five restarts leave no group of the API in `groups list`', async () => {
    // Every view has read something, so each follower really fetched.
    await sendState(1);
    await eventually(async () => (await stateOf(system.url)) === 1, 'state 1');
    const before = await groups();
    for (let i = 0; i < 5; i++) system = await system.restart();
    const after = await groups();
    assert.deepEqual(after, before, 'restarts added no group');
    assert.deepEqual(after, workerGroups(), 'only the workers have groups');
    assert.ok(after.every((g) => !/api/.test(g)), after.join(', '));
  });

  test('after the restarts every view still sees updates', async () => {
    await sendState(2);
    await eventually(async () => (await stateOf(system.url)) === 2, 'state 2 after the restarts');

    const posted = await api(system.url, 'POST', '/users', { name: 'Ada', email: `ada-${randomUUID()}@example.com` });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    await eventually(async () => (await postsCounted(system.url)) >= 1, 'the POST /users counted');

    const user = await sendEvent();
    await eventually(() => hasSummary(system.url, user), 'a new summary after the restarts');
  });

  test('two API instances on one broker both see an update, and neither leaves a group', async () => {
    const before = await groups();
    const other = await startTestSystem({ services: SERVICES, workers: false, existingBroker: system.broker });
    try {
      await sendState(3);
      await eventually(async () => (await stateOf(system.url)) === 3, 'state 3 on the first instance');
      await eventually(async () => (await stateOf(other.url)) === 3, 'state 3 on the second instance');

      const counted = await postsCounted(system.url);
      const posted = await api(other.url, 'POST', '/users', { name: 'Grace', email: `grace-${randomUUID()}@example.com` });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      await eventually(async () => (await postsCounted(system.url)) > counted, 'the POST counted on the first instance');
      await eventually(async () => (await postsCounted(other.url)) > counted, 'the POST counted on the second instance');

      const user = await sendEvent();
      await eventually(() => hasSummary(system.url, user), 'the new summary on the first instance');
      await eventually(() => hasSummary(other.url, user), 'the new summary on the second instance');
    } finally {
      await other.close();
    }
    assert.deepEqual(await groups(), before);
  });
});
