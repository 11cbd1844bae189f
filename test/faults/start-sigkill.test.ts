// `tributary start` (broker, PGlite, workers and API in one process) SIGKILLed
// again and again while clients post baskets: every basket the API
// acknowledged is stored exactly once, enriched, after the restarts. Each kill
// lands after a number of acknowledgements, with requests in flight (those get
// no answer and do not count as acknowledged); the process restarts on the same
// data dir (broker log, PGlite).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tempDir } from '../helpers/broker.js';
import { spawnCli, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/system.js';
import { BasketLoad, verdict, type Post } from './basket-load.js';
import { report, scaled } from './setting.js';

const KILLS = scaled(2, 5);
const ACKS_PER_KILL = scaled(100, 300);

const dir = tempDir('tributary-fault-start-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<{ app: CliProcess; url: string; spawnedAt: number }> {
  const spawnedAt = Date.now();
  const app = spawnCli(['start'], { env: { LOG_LEVEL: 'warn', DATA_DIR: dir, PORT: '0', BROKER_PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: '', BASKETS_PARTITIONS: '6' } });
  const [, url] = await app.ready(/API\s+(http:\/\/\S+)[\s\S]*Press Ctrl\+C/);
  return { app, url: url!, spawnedAt };
}

const poster = (url: string): Post => async (basket) => {
  const res = await fetch(`${url}/data`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(basket) });
  await res.arrayBuffer();
  return res.ok;
};

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

test(`tributary start SIGKILLed ${KILLS} times under POST /data: nothing acknowledged lost or doubled`, { timeout: scaled(240_000, 900_000) }, async () => {
  let running = await start();
  const prefix = `st${Date.now().toString(36)}`;
  const load = new BasketLoad(prefix, poster(running.url), 4, 20);
  const restarts: number[] = [];
  try {
    for (let kill = 1; kill <= KILLS; kill++) {
      await load.whenAcked(load.acked.size + ACKS_PER_KILL);
      await running.app.stop('SIGKILL');
      running = await start();
      load.retarget(poster(running.url));
      restarts.push(Date.now() - running.spawnedAt);
    }
    await load.whenAcked(load.acked.size + ACKS_PER_KILL);
    await load.stop();
    const { url } = running;
    const acknowledged = load.acked.size;
    const stored = () => json<{ count: number }>(`${url}/baskets/count?prefix=${prefix}`).then((r) => r.count);
    // Lost baskets would never come: after the wait, the verdict names them.
    await eventually(async () => (await stored()) >= acknowledged, `all ${acknowledged} acknowledged baskets stored`, 120_000).catch(() => {});
    const found = await verdict(load.acked, (ids) =>
      json<{ found: { id: string; total_price: number; categories: string[]; received_at: string; processed_at: string | null }[] }>(`${url}/baskets/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ids }),
      }).then((r) => r.found.map((f) => ({ id: f.id, totalPrice: f.total_price, categories: f.categories, receivedAt: new Date(f.received_at), processedAt: null }))),
    );
    // Rows are unique by id; a basket counted twice would show in the analytics. Read
    // between two equal row counts, so no late (unacknowledged) basket falls between.
    let rows = await stored();
    let counted = 0;
    for (;;) {
      counted = (await json<{ baskets: number }>(`${url}/analytics`)).baskets;
      const again = await stored();
      if (again === rows) break;
      rows = again;
    }
    const doubled = counted - rows;
    report('start-sigkill', {
      kills: KILLS,
      acknowledged,
      failedRequests: load.failed,
      stored: found.stored,
      storedUnacknowledged: rows - found.stored,
      lost: found.lost,
      doubled,
      wrong: found.wrong,
      restartToApiMs: restarts.join('/'),
    });
    assert.deepEqual({ lost: found.lost, wrong: found.wrong, doubled }, { lost: 0, wrong: 0, doubled: 0 }, found.examples.join('; '));
  } finally {
    await load.stop();
    await running.app.stop('SIGKILL');
  }
});
