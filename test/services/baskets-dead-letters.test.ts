// Accepted means storable, across a database outage: the baskets worker on
// PostgreSQL, reached through a TCP proxy that the test cuts mid-load for
// longer than the worker's retry budget (BASKETS_RETRIES, BASKETS_RETRY_BACKOFF_MS,
// short here). The baskets it could not store are dead-lettered as
// `database unavailable`; once the proxy is restored, `tributary dlq replay`
// sends them back, and then every acknowledged basket is stored exactly once,
// enriched, with the time the API received it; a second replay sends nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { countBaskets, lookupBaskets, openDatabase } from '../../src/db/index.js';
import { basketsRetryBudget } from '../../src/services/baskets/topics.js';
import { DLQ_HEADERS } from '../../src/stream/dlq.js';
import { closeForce, createConsumer } from '../../src/stream/kafka.js';
import { BasketLoad, verdict } from '../faults/basket-load.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { eventually, startTestSystem } from '../helpers/system.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const DLQ = 'delhaize_shop.dlq';

test('the retry budget: BASKETS_RETRIES (0 allowed) and BASKETS_RETRY_BACKOFF_MS, else 6 from 100 ms', () => {
  assert.deepEqual(basketsRetryBudget({}), { retries: 6, backoffMs: 100 });
  assert.deepEqual(basketsRetryBudget({ BASKETS_RETRIES: '0', BASKETS_RETRY_BACKOFF_MS: '25' }), { retries: 0, backoffMs: 25 });
  for (const env of [{ BASKETS_RETRIES: '-1' }, { BASKETS_RETRIES: 'many' }, { BASKETS_RETRY_BACKOFF_MS: '0' }]) {
    assert.throws(() => basketsRetryBudget(env), /BASKETS_RETR/, JSON.stringify(env));
  }
});

test('baskets dead-lettered while the database is away are replayed and stored exactly once', { timeout: 60_000 }, async (t) => {
  const database = await createTestDatabase(t, 'tributary_dlq_replay');
  if (!database) return;
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(database.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const system = await startTestSystem({
    services: ['baskets'],
    // Two retries from 20 ms: a basket is dead-lettered ~60 ms into an outage.
    env: { DATABASE_URL: viaProxy.href, BASKETS_PARTITIONS: '4', BASKETS_RETRIES: '2', BASKETS_RETRY_BACKOFF_MS: '20' },
  });
  const db = await openDatabase({ url: database.url }); // the test's own view, not through the proxy
  const offsets = createConsumer({ ...system.kafka, clientId: 'dlq-offsets' }, { groupId: 'dlq-offsets-unused' });
  const cli = (args: string[]) => runCli(args, { env: { KAFKA_BROKERS: system.broker.address } });
  const deadLettered = async () => ((await offsets.listOffsets({ topics: [DLQ] })).get(DLQ) ?? []).reduce((a, b) => a + Number(b), 0);
  const load = new BasketLoad(`dlq${Date.now().toString(36)}`, async (basket) => (await system.http!.inject({ method: 'POST', url: '/data', payload: basket })).statusCode === 200, 4, 2);
  try {
    await load.whenAcked(60);
    await eventually(async () => (await countBaskets(db.db)) >= 30, 'the worker to store baskets before the outage');

    proxy.cut();
    // The outage lasts until baskets have outlived their retries: the dead letters are the proof.
    await eventually(async () => (await deadLettered()) >= 20, 'baskets dead-lettered during the outage');
    proxy.restore();
    await load.whenAcked(load.acked.size + 60);
    await load.stop();

    // Every acknowledged basket is now stored or dead-lettered (the worker caught up).
    const letters = await eventually(async () => {
      const consumed = await cli(['consume', DLQ, '--from-beginning', '--json']);
      const records = consumed.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      const stored = new Set((await lookupBaskets(db.db, [...load.acked.keys()])).map((b) => b.id));
      const keys = new Set(records.map((r) => r.key as string));
      return [...load.acked.keys()].every((id) => stored.has(id) || keys.has(id)) && { records, stored };
    }, 'every acknowledged basket stored or dead-lettered');
    const missing = [...load.acked.keys()].filter((id) => !letters.stored.has(id));
    assert.ok(missing.length > 0, 'the outage left baskets unstored');
    for (const r of letters.records) {
      assert.equal(r.headers[DLQ_HEADERS.errorType], 'DatabaseUnavailableError', r.key);
      assert.match(r.headers[DLQ_HEADERS.error], /^database unavailable: /, r.key);
      assert.equal(r.headers[DLQ_HEADERS.topic], 'delhaize_shop');
      assert.equal(r.headers[DLQ_HEADERS.attempts], '3');
    }

    const replayStarted = new Date();
    const replay = await cli(['dlq', 'replay', DLQ, '--reason', 'database unavailable']);
    assert.equal(replay.code, 0, replay.stderr);
    const n = letters.records.length;
    assert.match(replay.stdout, new RegExp(`^replayed ${n} of ${n} record\\(s\\) from ${DLQ.replace('.', '\\.')}, skipped 0$`, 'm'));
    assert.match(replay.stdout, new RegExp(`^delhaize_shop\\s+delhaize_shop\\s+${n}$`, 'm'));

    const acknowledged = load.acked.size;
    t.diagnostic(`${acknowledged} acknowledged, ${n} dead-lettered during the outage, ${missing.length} of them not stored before the replay`);
    await eventually(async () => (await countBaskets(db.db)) >= acknowledged, `all ${acknowledged} acknowledged baskets stored`);
    const found = await verdict(load.acked, (ids) => lookupBaskets(db.db, ids));
    const {
      rows: [counts],
    } = await sql<{ rows: string; counted: string }>`
      select (select count(*) from baskets) as rows, (select coalesce(sum(baskets), 0) from basket_store_totals) as counted`.execute(db.db);
    assert.deepEqual(
      { lost: found.lost, wrong: found.wrong, rows: Number(counts!.rows), counted: Number(counts!.counted) },
      { lost: 0, wrong: 0, rows: acknowledged, counted: acknowledged },
      found.examples.join('; '),
    );
    // A replayed basket keeps the time the API received it (the dead letter kept the record's timestamp).
    const replayed = await lookupBaskets(db.db, missing);
    for (const b of replayed) assert.ok(b.receivedAt < replayStarted, `${b.id} received ${b.receivedAt.toISOString()}`);

    const again = await cli(['dlq', 'replay', DLQ]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^replayed 0 of 0 record\(s\)/m);
    assert.equal(await countBaskets(db.db), acknowledged);
  } finally {
    await load.stop();
    await closeForce(offsets);
    await db.close();
    await system.close();
    await proxy.close();
    await database.drop();
  }
});
