// `tributary start` as a user runs it: a child process with the embedded broker
// in its thread, PGlite, every service and the API; it prints its URLs, serves,
// and stops cleanly on SIGTERM.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tempDir, startTestBroker } from '../helpers/broker.js';
import { spawnCli, type CliProcess } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { eventually } from '../helpers/system.js';
import { seedPGlite } from '../helpers/pglite.js';

/** `tributary start` with this environment, once it has printed its URLs. */
async function startCli(env: NodeJS.ProcessEnv): Promise<{ app: CliProcess; url: string }> {
  const app = spawnCli(['start'], { env: { LOG_LEVEL: 'warn', ...env } });
  const [, url] = await app.ready(/API\s+(http:\/\/\S+)[\s\S]*Press Ctrl\+C/);
  return { app, url: url! };
}

/**
 * The API (main thread) reaches the database the workers' thread uses, for
 * users and for what the baskets worker stored; /metrics merges the workers'
 * figures into the API's.
 */
async function usersBasketsAndMetrics(url: string): Promise<void> {
  const post = (path: string, body: unknown) => fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = (await (await post('/users', { name: 'Ada', email: 'ada@example.com' })).json()) as { id: string };
  const user = (await (await fetch(`${url}/users/${created.id}`)).json()) as { email: string };
  assert.equal(user.email, 'ada@example.com');
  assert.equal((await post('/users', { name: 'Ada', email: 'ada@example.com' })).status, 409);
  // What the baskets worker stored, the API reads.
  assert.deepEqual(await (await post('/data', { id: 'b-1', store: 'Brussels', date: '2024-01-01', products: [{ id: 'p1', name: 'an apple', price: 1.5 }] })).json(), { status: 'ok' });
  // The worker thread stores it asynchronously.
  await eventually(async () => (await fetch(`${url}/baskets/b-1`)).status === 200, 'the basket in the database', 30_000);
  // /metrics merges the workers' thread figures into the API's. The requests'
  // activity is counted on its own schedule (events linger, the counter fetches
  // every 100 ms): wait for it rather than for the basket.
  const totalsCounted = /tributary_table_entries\{table="totals"\} [1-9]/;
  await eventually(async () => totalsCounted.test(await (await fetch(`${url}/metrics`)).text()), 'the requests counted by the activity worker', 30_000);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /tributary_consumed_records_total\{agent="enrich-baskets",group="[^"]+"\} [1-9]/);
  assert.match(metrics, totalsCounted);
  assert.equal(metrics.match(/^# TYPE tributary_process_cpu_seconds_total /gm)?.length, 1);
  const analytics = (await (await fetch(`${url}/analytics`)).json()) as Record<string, unknown>;
  assert.equal(JSON.stringify(analytics).includes('Fruit'), true, JSON.stringify(analytics));
}

describe('tributary start', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('runs broker, database, services and API, prints the URLs, stops on SIGTERM', async () => {
    const dir = tempDir('tributary-start-');
    dirs.push(dir);
    const { app, url } = await startCli({ DATA_DIR: dir, PORT: '0', BROKER_PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: '', HOST: '', LOG_LEVEL: 'info' });
    let code: number | null;
    try {
      // Every thread's start-up lines come before the banner, which is one block: the order is fixed.
      const out = app.stdout();
      const banner = out.indexOf('\nTributary is running\n');
      const startUp = out.split('\n').filter((l) => /"msg":"(worker started|Server listening at [^"]+|broker listening|database ready)"/.test(l));
      assert.equal(startUp.length, 6, out);
      for (const line of startUp) assert.ok(out.indexOf(line) < banner, `${line} after the banner:\n${out}`);
      assert.match(out.slice(banner), /^\nTributary is running\n(  \S.*\n)+\nPress Ctrl\+C to stop\.\n/);
      // HOST unset: this machine only, and the banner prints the address really bound.
      assert.match(app.output(), /API\s+http:\/\/127\.0\.0\.1:[1-9]\d*\n/);
      assert.match(app.output(), /Kafka\s+127\.0\.0\.1:\d+ \(embedded, data in .*broker\)/);
      assert.match(app.output(), /Database\s+PGlite in .*db/);
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200, await ready.clone().text());
      const index = (await (await fetch(`${url}/`)).json()) as { systems: { name: string }[] };
      assert.deepEqual(index.systems.map((s) => s.name), ['players', 'state', 'activity', 'sessions', 'baskets']);
      await usersBasketsAndMetrics(url);
      assert.ok(fs.existsSync(`${dir}/broker`), 'the broker keeps its data in DATA_DIR/broker');
      assert.ok(fs.existsSync(`${dir}/db`), 'PGlite keeps its data in DATA_DIR/db');
    } finally {
      code = await app.stop();
    }
    assert.equal(code, 0, app.output());
  });

  test('with DATABASE_URL every thread uses that PostgreSQL', async (t) => {
    const database = await createTestDatabase(t, 'tributary_start');
    if (!database) return;
    const dir = tempDir('tributary-start-');
    dirs.push(dir);
    try {
      const { app, url } = await startCli({ DATA_DIR: dir, PORT: '0', BROKER_PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: database.url });
      let code: number | null;
      try {
        assert.match(app.output(), new RegExp(`Database\\s+postgres://[^\\s]*/${database.name}`));
        await usersBasketsAndMetrics(url);
        assert.ok(!fs.existsSync(`${dir}/db`), 'no PGlite');
      } finally {
        code = await app.stop();
      }
      assert.equal(code, 0, app.output());
    } finally {
      await database.drop();
    }
  });

  test('with KAFKA_BROKERS it starts no broker and uses that cluster', async () => {
    const broker = await startTestBroker();
    const dir = tempDir('tributary-start-');
    dirs.push(dir);
    // The first start on an empty DATA_DIR (initdb) is the first test's; here PGlite reopens a cluster.
    await seedPGlite(`${dir}/db`);
    try {
      const { app, url } = await startCli({ DATA_DIR: dir, PORT: '0', KAFKA_BROKERS: broker.address, DATABASE_URL: '' });
      let code: number | null;
      try {
        assert.match(app.output(), new RegExp(`Kafka\\s+${broker.address.replace(/\./g, '\\.')}\\n`));
        assert.ok(!fs.existsSync(`${dir}/broker`), 'no embedded broker data dir');
        const ready = await fetch(`${url}/readyz`);
        assert.equal(ready.status, 200);
        assert.ok(broker.broker.topics.list().length > 0, 'the services created their topics on the given cluster');
      } finally {
        code = await app.stop();
      }
      assert.equal(code, 0, app.output());
    } finally {
      await broker.destroy();
    }
  });
});
