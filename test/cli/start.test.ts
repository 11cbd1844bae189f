// `tributary start` as a user runs it: a child process with the embedded broker
// in its thread, PGlite, every service and the API; it prints its URLs, serves,
// and stops cleanly on SIGTERM.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { tempDir, startTestBroker } from '../helpers/broker.js';
import { createTestDatabase } from '../helpers/postgres.js';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function startCli(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /API\s+(http:\/\/\S+)/.exec(out);
      if (m && out.includes('Press Ctrl+C')) {
        child.stdout!.off('data', onData);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`start exited with ${code} before serving:\n${out}`)));
  });
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
  const deadline = Date.now() + 30_000;
  while ((await fetch(`${url}/baskets/b-1`)).status !== 200) {
    assert.ok(Date.now() < deadline, 'the basket reached the database within 30 s');
    await new Promise((r) => setTimeout(r, 50)); // the worker thread stores it asynchronously
  }
  // /metrics merges the workers' thread figures into the API's.
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /tributary_consumed_records_total\{agent="enrich-baskets",group="[^"]+"\} [1-9]/);
  assert.match(metrics, /tributary_table_entries\{table="totals"\} [1-9]/);
  assert.equal(metrics.match(/^# TYPE tributary_process_cpu_seconds_total /gm)?.length, 1);
  const analytics = (await (await fetch(`${url}/analytics`)).json()) as Record<string, unknown>;
  assert.equal(JSON.stringify(analytics).includes('Fruit'), true, JSON.stringify(analytics));
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe('tributary start', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('runs broker, database, services and API, prints the URLs, stops on SIGTERM', async () => {
    const dir = tempDir('tributary-start-');
    dirs.push(dir);
    const { child, url, output } = await startCli({ DATA_DIR: dir, PORT: '0', BROKER_PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: '' });
    try {
      assert.match(output(), /Kafka\s+127\.0\.0\.1:\d+ \(embedded, data in .*broker\)/);
      assert.match(output(), /Database\s+PGlite in .*db/);
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200, await ready.clone().text());
      const index = (await (await fetch(`${url}/`)).json()) as { systems: { name: string }[] };
      assert.deepEqual(index.systems.map((s) => s.name), ['players', 'state', 'activity', 'sessions', 'baskets']);
      await usersBasketsAndMetrics(url);
      assert.ok(fs.existsSync(`${dir}/broker`), 'the broker keeps its data in DATA_DIR/broker');
      assert.ok(fs.existsSync(`${dir}/db`), 'PGlite keeps its data in DATA_DIR/db');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited(child), 0, output());
  });

  test('with DATABASE_URL every thread uses that PostgreSQL', async (t) => {
    const database = await createTestDatabase(t, 'tributary_start');
    if (!database) return;
    const dir = tempDir('tributary-start-');
    dirs.push(dir);
    try {
      const { child, url, output } = await startCli({ DATA_DIR: dir, PORT: '0', BROKER_PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: database.url });
      try {
        assert.match(output(), new RegExp(`Database\\s+postgres://[^\\s]*/${database.name}`));
        await usersBasketsAndMetrics(url);
        assert.ok(!fs.existsSync(`${dir}/db`), 'no PGlite');
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited(child), 0, output());
    } finally {
      await database.drop();
    }
  });

  test('with KAFKA_BROKERS it starts no broker and uses that cluster', async () => {
    const broker = await startTestBroker();
    const dir = tempDir('tributary-start-');
    dirs.push(dir);
    try {
      const { child, url, output } = await startCli({ DATA_DIR: dir, PORT: '0', KAFKA_BROKERS: broker.address, DATABASE_URL: '' });
      try {
        assert.match(output(), new RegExp(`Kafka\\s+${broker.address.replace(/\./g, '\\.')}\\n`));
        assert.ok(!fs.existsSync(`${dir}/broker`), 'no embedded broker data dir');
        const ready = await fetch(`${url}/readyz`);
        assert.equal(ready.status, 200);
        assert.ok(broker.broker.topics.list().length > 0, 'the services created their topics on the given cluster');
      } finally {
        child.kill('SIGTERM');
      }
      assert.equal(await exited(child), 0, output());
    } finally {
      await broker.destroy();
    }
  });
});
