// System 3, activity, end to end on a real broker and PGlite: the README's curl
// steps against the users API, every request recorded as a protobuf
// BackendApiActivity on `Users` (read back with kafkajs over TCP, as an outside
// consumer would), and GET /api/activity showing the worker's counts. Then the
// worker's window logic alone, on records with chosen timestamps.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fromBinary } from '@bufbuild/protobuf';
import type { Consumer } from 'kafkajs';
import pino from 'pino';
import { BackendApiActivitySchema } from '../../src/gen/tributary/activity/v1/activity_pb.js';
import { createActivityService } from '../../src/services/activity/index.js';
import { activitySerde, declareActivityTopology, type MinuteCount } from '../../src/services/activity/topics.js';
import { UsageCounter } from '../../src/services/activity/worker.js';
import { serviceContext } from '../../src/runtime/system.js';
import type { Service } from '../../src/services/service.js';
import { createTestApp } from '../../src/stream/testing.js';
import { Topic } from '../../src/stream/topic.js';
import { kafkajsClient } from '../helpers/kafkajs.js';
import { api, eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

interface Call {
  method: string;
  /** The endpoint the API should record: the route pattern, or the path. */
  endpoint: string;
}

describe('activity system', () => {
  let system: TestSystem;
  /** Every HTTP request this file made, in order. */
  const calls: Call[] = [];
  const call = async (method: string, path: string, endpoint: string, body?: unknown) => {
    calls.push({ method, endpoint });
    return api(system.url, method, path, body);
  };
  const ada = { name: 'Ada Lovelace', email: `ada-${randomUUID()}@example.com` };
  let adaId = '';

  before(async () => {
    system = await startTestSystem({ services: ['activity'] });
  });
  after(async () => {
    await system?.close();
  });

  test('POST /users creates, GET /users lists, GET /users/:id gets; the database holds them', async () => {
    const created = await call('POST', '/users', '/users', { name: `  ${ada.name} `, email: ada.email });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.body.name, ada.name, 'the name is trimmed');
    assert.equal(created.body.email, ada.email);
    assert.ok(!Number.isNaN(Date.parse(created.body.createdAt)));
    adaId = created.body.id;
    const grace = await call('POST', '/users', '/users', { name: 'Grace Hopper', email: `grace-${randomUUID()}@example.com` });
    assert.equal(grace.status, 201);

    const list = await call('GET', '/users', '/users');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((u: { id: string }) => u.id),
      [adaId, grace.body.id],
    );
    const one = await call('GET', `/users/${adaId}`, '/users/:id');
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, created.body);

    const { db } = await system.ctx.database();
    const rows = await db.selectFrom('users').select(['id', 'name', 'email']).orderBy('created_at').execute();
    assert.deepEqual(rows, [
      { id: adaId, name: ada.name, email: ada.email },
      { id: grace.body.id, name: 'Grace Hopper', email: grace.body.email },
    ]);
  });

  test('a taken email is 409 naming body.email', async () => {
    const res = await call('POST', '/users', '/users', { name: 'Someone Else', email: ada.email });
    assert.equal(res.status, 409);
    assert.equal(res.body.field, 'body.email');
    assert.match(res.body.message, new RegExp(ada.email.replace(/[.+]/g, '\\$&')));
  });

  test('the same email in another case is taken too: 409 naming body.email', async () => {
    const shouted = ada.email.toUpperCase();
    const res = await call('POST', '/users', '/users', { name: 'Ada Again', email: shouted });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.field, 'body.email');
    assert.ok(res.body.message.includes(shouted), res.body.message);
  });

  test('bad bodies are 422 (or 400 for non-JSON) naming the field', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{ name: 'No Email' }, 422, 'body.email', /is required/],
      [{ name: 'Bad Email', email: 'not-an-email' }, 422, 'body.email', /valid email/],
      [{ name: 42, email: 'n@example.com' }, 422, 'body.name', /must be a string/],
      [{ name: '   ', email: 'n@example.com' }, 422, 'body.name', /empty/],
      [{ name: 'x'.repeat(201), email: 'n@example.com' }, 422, 'body.name', /200/],
      [{ email: 'n@example.com' }, 422, 'body.name', /is required/],
      [[1, 2], 422, 'body', /JSON object/],
      ['{"name": "Broken", ', 400, 'body', /not valid JSON/],
    ];
    for (const [body, status, field, message] of cases) {
      const res = await call('POST', '/users', '/users', body);
      assert.equal(res.status, status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.field, field, JSON.stringify(res.body));
      assert.match(res.body.message, message);
    }
    const { db } = await system.ctx.database();
    const count = await db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 2, 'nothing bad was stored');
  });

  test('an unknown id is 404 naming it', async () => {
    const missing = randomUUID();
    const res = await call('GET', `/users/${missing}`, '/users/:id');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, `no user with id ${missing}`);
    assert.equal(res.body.field, 'params.id');
    const notUuid = await call('GET', '/users/not-a-uuid', '/users/:id');
    assert.equal(notUuid.status, 404);
    assert.match(notUuid.body.message, /not-a-uuid/);
    const noRoute = await call('GET', '/nowhere?x=1', '/nowhere');
    assert.equal(noRoute.status, 404);
  });

  test('GET /users/ (no id) is the list, as GET /users', async () => {
    const slash = await call('GET', '/users/', '/users/');
    assert.equal(slash.status, 200, JSON.stringify(slash.body));
    assert.deepEqual(slash.body, (await call('GET', '/users', '/users')).body);
  });

  test('every request is a BackendApiActivity on Users, keyed by endpoint', async () => {
    const expected = calls.slice();
    const kafka = kafkajsClient(system.broker.address);
    const consumer: Consumer = kafka.consumer({ groupId: `activity-test-${randomUUID()}` });
    const got: { key: string; clientHost: string; clientPort: string; clientPortNumber: number; endpoint: string; httpMethod: string }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'Users', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const a = fromBinary(BackendApiActivitySchema, message.value!);
          got.push({ key: message.key!.toString(), clientHost: a.clientHost, clientPort: a.clientPort, clientPortNumber: a.clientPortNumber, endpoint: a.endpoint, httpMethod: a.httpMethod });
        },
      });
      await eventually(() => got.length >= expected.length, `${expected.length} records on Users`);
    } finally {
      await consumer.disconnect();
    }
    const tally = (xs: Call[]) => xs.map((c) => `${c.method} ${c.endpoint}`).sort();
    assert.deepEqual(tally(got.map((g) => ({ method: g.httpMethod, endpoint: g.endpoint }))), tally(expected));
    for (const g of got) {
      assert.equal(g.clientHost, '127.0.0.1');
      assert.match(g.clientPort, /^\d+$/, `port ${g.clientPort}`);
      assert.ok(g.clientPortNumber > 0 && g.clientPortNumber < 65536, `port ${g.clientPortNumber}`);
      assert.equal(g.clientPort, String(g.clientPortNumber));
      assert.equal(g.key, g.endpoint);
    }
  });

  test('GET /api/activity shows the totals per endpoint and method, per client and per minute', async () => {
    const SELF = 'GET /api/activity';
    const byPair = (xs: Call[]) => {
      const m = new Map<string, number>();
      for (const c of xs) m.set(`${c.method} ${c.endpoint}`, (m.get(`${c.method} ${c.endpoint}`) ?? 0) + 1);
      return m;
    };
    const report = await eventually(async () => {
      // Requests counted so far, except this very poll (which may not be counted yet).
      const expected = byPair(calls);
      const res = await call('GET', '/api/activity', '/api/activity');
      assert.equal(res.status, 200);
      const totals = new Map<string, number>(res.body.totals.map((t: { method: string; endpoint: string; count: number }) => [`${t.method} ${t.endpoint}`, t.count]));
      for (const [pair, n] of expected) {
        if (pair === SELF) {
          if ((totals.get(pair) ?? 0) > n) return false;
        } else if (totals.get(pair) !== n) return false;
      }
      return res.body;
    }, 'GET /api/activity to count every request');

    const expected = byPair(calls);
    assert.equal(report.totals.find((t: any) => t.endpoint === '/users/:id' && t.method === 'GET').count, expected.get('GET /users/:id'));
    assert.equal(report.totals.find((t: any) => t.endpoint === '/nowhere').count, 1);
    assert.equal(report.byClient.length, 1);
    assert.equal(report.byClient[0].client, '127.0.0.1');
    assert.ok(report.byClient[0].count >= calls.length - expected.get(SELF)!);

    // The per-minute counts add up to the totals (all of this ran within the hour kept).
    const perPair = new Map<string, number>();
    for (const m of report.perMinute) {
      assert.equal(Date.parse(m.windowEnd) - Date.parse(m.windowStart), 60_000);
      assert.equal(Date.parse(m.windowStart) % 60_000, 0);
      assert.equal(m.client, '127.0.0.1');
      assert.equal(typeof m.final, 'boolean');
      perPair.set(`${m.method} ${m.endpoint}`, (perPair.get(`${m.method} ${m.endpoint}`) ?? 0) + m.count);
    }
    for (const t of report.totals) {
      if (`${t.method} ${t.endpoint}` !== SELF) assert.equal(perPair.get(`${t.method} ${t.endpoint}`), t.count, `${t.method} ${t.endpoint}`);
    }
    // The still-open minute shows before it closes.
    assert.ok(report.perMinute.some((m: { final: boolean }) => !m.final));
  });

  test('the API reads the counts back after a restart without a worker in its process', async () => {
    const before = await call('GET', '/api/activity', '/api/activity');
    system = await system.restart({ workers: false });
    const res = await call('GET', '/api/activity', '/api/activity');
    assert.equal(res.status, 200);
    const users = (r: typeof res) => r.body.totals.find((t: any) => t.method === 'POST' && t.endpoint === '/users').count;
    assert.equal(users(res), users(before));
  });
});

describe('activity worker: per-minute windows on the record time', () => {
  const MIN = 60_000;
  const T0 = 1_700_000_040_000; // a minute boundary
  assert.equal(T0 % MIN, 0);

  test('counts per minute, shows the open minute, finalizes after the grace, drops late events, and survives a restart', async () => {
    const t = await createTestApp({ id: 'activity-windows' });
    try {
      const start = (app: typeof t.app) => {
        const topology = declareActivityTopology(app);
        const counter = new UsageCounter(topology);
        app.agent(topology.users, (e) => counter.count(e.value, e.partition, Number(e.timestamp)), { tables: [topology.totals, topology.clients, topology.minutes] });
        return { topology, counter };
      };
      let { topology, counter } = start(t.app);
      await t.app.start();
      const send = (ts: number, client = '10.0.0.1') =>
        t.produce(topology.users, [
          { key: '/x', partition: 0, timestamp: BigInt(ts), value: activitySerde.create({ clientHost: client, clientPort: '5000', endpoint: '/x', httpMethod: 'GET' }) },
        ]);
      const minutes = (): MinuteCount[] => [...topology.minutes].map(([, v]) => v).sort((a, b) => a.windowStart - b.windowStart);
      const total = () => topology.totals.get('GET /x@0')?.count ?? 0;

      await send(T0 + 5_000);
      await send(T0 + 30_000);
      await t.waitFor(() => total() === 2, 10_000, 'two counted');
      assert.deepEqual(minutes().map((m) => [m.windowStart - T0, m.count, m.final]), [[0, 2, false]]);

      await send(T0 + MIN + 5_000); // minute 1 opens; minute 0 is in its grace period
      await send(T0 + 50_000, '10.0.0.2'); // late but within grace: counted in minute 0
      await send(T0 + MIN + 10_000); // stream time reaches minute 0's end + grace: final
      await send(T0 + 20_000); // too late: in the totals, not in minute 0
      await t.waitFor(() => total() === 6, 10_000, 'six counted');
      assert.deepEqual(
        minutes().map((m) => [m.windowStart - T0, m.client, m.count, m.final]),
        [
          [0, '10.0.0.1', 2, true],
          [0, '10.0.0.2', 1, true],
          [MIN, '10.0.0.1', 2, false],
        ],
      );
      assert.equal(counter.stats.late, 1);

      // A restarted worker restores the tables; it still knows minute 0 is closed,
      // and closes minute 1 although its aggregator never saw it open.
      await t.app.stop();
      const app2 = t.newApp({ id: 'activity-windows' });
      ({ topology, counter } = start(app2));
      await app2.start();
      await send(T0 + 40_000); // late for minute 0
      await send(T0 + 2 * MIN + 15_000); // closes minute 1
      await t.waitFor(() => total() === 8, 10_000, 'eight counted after the restart');
      assert.deepEqual(
        minutes().map((m) => [m.windowStart - T0, m.client, m.count, m.final]),
        [
          [0, '10.0.0.1', 2, true],
          [0, '10.0.0.2', 1, true],
          [MIN, '10.0.0.1', 2, true],
          [2 * MIN, '10.0.0.1', 1, false],
        ],
      );
      assert.equal(counter.stats.late, 1);

      // An hour later the old minutes are deleted (tombstones on the changelog).
      await send(T0 + 63 * MIN);
      await t.waitFor(() => total() === 9, 10_000, 'nine counted');
      assert.deepEqual(minutes().map((m) => [m.windowStart - T0, m.count]), [[63 * MIN, 1]]);
    } finally {
      await t.close();
    }
  });

  test('a record that is not a BackendApiActivity goes to Users.dlq', async () => {
    const t = await createTestApp({ id: 'activity-dlq' });
    try {
      const ctx = serviceContext({ kafka: t.app.kafka, log: pino({ level: 'silent' }), database: { dataDir: ':memory:' } });
      const service: Service = createActivityService(ctx);
      await service.app.start();
      const raw = service.app.topics.get('Users')!;
      const bytes = { contentType: 'application/octet-stream', encode: (b: Buffer) => b, decode: (b: Buffer) => b };
      const rawUsers = new Topic<Buffer, string>(raw.name, { serde: bytes });
      await t.produce(rawUsers, [{ key: '/bad', value: Buffer.from([0xff, 0xff, 0xff]) }]);
      const dead = await t.waitForRecords(service.app.agents[0]!.dlq, 1, 10_000);
      assert.equal(dead[0]!.headers['tributary.error.type'], 'DeserializationError');
      await service.app.stop();
    } finally {
      await t.close();
    }
  });
});
