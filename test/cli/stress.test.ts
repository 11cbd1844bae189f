// `tributary stress` against a running baskets system (embedded broker and
// PGlite): 1000 baskets from 16 connections all arrive enriched, nothing lost;
// and its option parsing and percentiles on their own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { parseStressArgs } from '../../src/cli/commands/stress.js';
import { UsageError } from '../../src/cli/usage.js';
import { percentiles, type StressResult } from '../../src/services/baskets/stress/run.js';
import { runCli } from '../helpers/cli.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

describe('tributary stress', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ services: ['baskets'] });
  });
  after(async () => {
    await system?.close();
  });

  test('--requests 1000 --concurrency 16 --json: all arrive enriched, nothing lost', async () => {
    const { code, stdout, stderr } = await runCli(['stress', '--requests', '1000', '--concurrency', '16', '--json', '--url', system.url], { env: system.env });
    assert.equal(code, 0, stderr + stdout);
    const r = JSON.parse(stdout) as StressResult;
    assert.equal(r.acknowledged, 1000);
    assert.equal(r.failed, 0);
    assert.equal(r.stored, 1000);
    assert.deepEqual(r.lost, []);
    assert.deepEqual(r.wrong, []);
    assert.equal(r.ok, true);
    assert.ok(r.basketsPerSecond > 0);
    assert.ok(r.endToEndMs && r.endToEndMs.p50 >= 0 && r.endToEndMs.p99 >= r.endToEndMs.p50);
    assert.ok(r.ackLatencyMs.p99 >= r.ackLatencyMs.p50);
    // Not a TTY: plain progress lines on stderr, nothing but JSON on stdout.
    assert.match(stderr, /posting baskets: 1000\/1000 \(100%\)/);

    // The database itself: 1000 rows of this run, every product with a catalog category.
    const db = (await system.ctx.database()).db;
    const { rows } = await sql<{ n: string; uncategorized: string; bad_total: string }>`
      select count(*) as n,
             count(*) filter (where exists (select 1 from jsonb_array_elements(products) p
                                            where p ->> 'category' not in ('Fruit', 'Bakery', 'Drink', 'Other'))) as uncategorized,
             count(*) filter (where total_price <> (select round(sum((p ->> 'price')::numeric), 2) from jsonb_array_elements(products) p)) as bad_total
      from baskets where id like ${r.runId + '-%'}`.execute(db);
    assert.deepEqual(rows[0], { n: '1000', uncategorized: '0', bad_total: '0' });
  });

  test('human output, and a non-zero exit when requests fail', async () => {
    const ok = await runCli(['stress', '--requests', '20', '--concurrency', '4', '--quiet', '--url', system.url], { env: system.env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /acknowledged +20 in/);
    assert.match(ok.stdout, /lost +none/);
    assert.equal(ok.stderr, '');
    // Nothing listens there: every request fails.
    const down = await runCli(['stress', '--requests', '3', '--quiet', '--wait', '0', '--json', '--url', 'http://127.0.0.1:9'], { env: system.env });
    assert.equal(down.code, 1);
    const r = JSON.parse(down.stdout) as StressResult;
    assert.equal(r.failed, 3);
    assert.match(r.failures[0]!.reason, /request failed/);
  });

  test('bad options exit 2 with the usage', async () => {
    const bad = await runCli(['stress', '--requests', 'many'], { env: system.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--requests must be an integer/);
    assert.match(bad.stderr, /Usage: tributary stress/);
  });
});

describe('tributary stress against an API with API_KEYS', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ services: ['baskets'], env: { API_KEYS: 'stress-key,other' } });
  });
  after(async () => {
    await system?.close();
  });

  test('sends the first of API_KEYS (or --api-key) as a Bearer key; a wrong key fails every request', async () => {
    const ok = await runCli(['stress', '--requests', '5', '--quiet', '--json', '--url', system.url], { env: system.env });
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    const r = JSON.parse(ok.stdout) as StressResult;
    assert.equal(r.stored, 5);
    const wrong = await runCli(['stress', '--requests', '3', '--quiet', '--wait', '0', '--json', '--api-key', 'nope', '--url', system.url], { env: system.env });
    assert.equal(wrong.code, 1);
    const w = JSON.parse(wrong.stdout) as StressResult;
    assert.equal(w.failed, 3);
    assert.match(w.failures[0]!.reason, /403/);
  });

  test('the key comes from --api-key, API_KEY or the first of API_KEYS', () => {
    assert.equal((parseStressArgs([], { API_KEYS: ' a , b' }) as { apiKey?: string }).apiKey, 'a');
    assert.equal((parseStressArgs([], { API_KEYS: 'a', API_KEY: 'c' }) as { apiKey?: string }).apiKey, 'c');
    assert.equal((parseStressArgs(['--api-key', 'd'], { API_KEY: 'c' }) as { apiKey?: string }).apiKey, 'd');
  });
});

describe('stress options and percentiles', () => {
  test('defaults and overrides', () => {
    assert.deepEqual(parseStressArgs([], { PORT: '9000' }), { requests: 1000, concurrency: 16, url: 'http://127.0.0.1:9000', waitSeconds: 60, json: false, quiet: false });
    assert.deepEqual(parseStressArgs(['--requests', '5', '-c', '2', '--url', 'http://h:1/', '--wait', '0', '--json'], {}), {
      requests: 5,
      concurrency: 2,
      url: 'http://h:1',
      waitSeconds: 0,
      json: true,
      quiet: false,
    });
    assert.equal(parseStressArgs(['--help']), 'help');
    assert.throws(() => parseStressArgs(['--concurrency', '0']), UsageError);
    assert.throws(() => parseStressArgs(['--url', 'ftp://x']), UsageError);
    assert.throws(() => parseStressArgs(['--nope']), UsageError);
  });

  test('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, shuffled order
    assert.deepEqual(percentiles(values), { p50: 50, p95: 95, p99: 99, max: 100 });
    assert.deepEqual(percentiles([7]), { p50: 7, p95: 7, p99: 7, max: 7 });
    assert.deepEqual(percentiles([]), { p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
