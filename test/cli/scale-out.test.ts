// The parts run apart, as docker-compose.yml runs them: two `tributary api`
// processes and a `tributary worker baskets` process against one broker and
// one PostgreSQL. A basket posted to one API is stored by the worker and read
// through the other; a state message reaches both APIs (each has its own group).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { eventually } from '../helpers/system.js';

describe('scale-out: api and worker processes', () => {
  let broker: TestBroker | undefined;
  after(async () => {
    await broker?.destroy();
  });

  test('two APIs and a worker share one broker and one PostgreSQL', async (t) => {
    const database = await createTestDatabase(t, 'tributary_scale');
    if (!database) return;
    broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
    // The readiness lines are info-level log lines.
    const env = { KAFKA_BROKERS: broker.address, DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'info' };
    const worker = spawnCli(['worker', 'baskets'], { env });
    const apis = [1, 2].map(() => spawnCli(['api', '--services', 'baskets,state'], { env }));
    const parts = [worker, ...apis];
    try {
      await worker.ready(/workers running: baskets/);
      const [url1, url2] = (await Promise.all(apis.map((a) => a.ready(/API listening on (http:\/\/[\d.:]+)/)))).map((m) => m[1]!);

      const posted = await fetch(`${url1}/data`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'scale-1', store: 'Ghent', date: '2024-02-01', products: [{ id: 'p', name: 'Croissants', price: 1.2 }] }),
      });
      assert.deepEqual(await posted.json(), { status: 'ok' });
      // Another process's work: poll the other API until it shows it.
      const stored = await eventually(async () => {
        const res = await fetch(`${url2}/baskets/scale-1`);
        return res.status === 200 ? ((await res.json()) as { products: { category: string }[] }) : undefined;
      }, 'the worker to store the basket', 30_000);
      assert.equal(stored.products[0]!.category, 'Bakery');

      const sent = await runCli(['state', 'send', '--state', '31'], { env: { KAFKA_BROKERS: broker.address } });
      assert.equal(sent.code, 0, sent.stderr);
      for (const url of [url1, url2]) {
        await eventually(async () => ((await (await fetch(`${url}/state`)).json()) as { state: number }).state === 31, `${url} to show state 31`, 30_000);
      }
    } finally {
      const codes = await Promise.all(parts.map((p) => p.stop()));
      await database.drop();
      assert.deepEqual(codes, parts.map(() => 0), 'every part stops cleanly on SIGTERM');
    }
  });
});
