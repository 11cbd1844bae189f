// System 5, baskets: the catalog and enrichment rules on their own, the
// upsert coalescer, then end to end on the embedded broker and PGlite: POST
// /data → delhaize_shop → worker → database → GET /analytics, bad input, and
// bad records on the topic going to the DLQ.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countBaskets, getBasket, type Database } from '../../src/db/index.js';
import { categorize, enrichBasket, totalPrice } from '../../src/services/baskets/catalog.js';
import { Coalescer } from '../../src/services/baskets/coalescer.js';
import { randomBasket } from '../../src/services/baskets/stress/baskets.js';
import { createConsumer, createProducer } from '../../src/stream/kafka.js';
import { readPartitionToEnd } from '../../src/stream/partition-reader.js';
import { api, eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

describe('baskets catalog', () => {
  test('catalog names, any case, with an article or a plural s', () => {
    const cases: [string, string][] = [
      ['apple', 'Fruit'],
      ['an apple', 'Fruit'],
      ['An Apple', 'Fruit'],
      ['  a   banana ', 'Fruit'],
      ['the KIWI', 'Fruit'],
      ['pears', 'Fruit'],
      ['Oranges', 'Fruit'],
      ['bread', 'Bakery'],
      ['The Croissants', 'Bakery'],
      ['BAGUETTE', 'Bakery'],
      ['cake', 'Bakery'],
      ['water', 'Drink'],
      ['a soda', 'Drink'],
      ['beers', 'Drink'],
      ['Wine', 'Drink'],
    ];
    for (const [name, category] of cases) assert.equal(categorize(name), category, name);
  });

  test('anything else is Other', () => {
    for (const name of ['milk', 'apple juice', 'pineapple', 'applesauce', 'an', 'the', 's', '', '   ', 'a s', 'cheeses', 'anapple']) {
      assert.equal(categorize(name), 'Other', JSON.stringify(name));
    }
  });

  test('total_price is the sum rounded to cents, without float drift', () => {
    assert.equal(totalPrice([0.1, 0.2]), 0.3);
    assert.equal(totalPrice(Array(1000).fill(0.01)), 10);
    assert.equal(totalPrice([1.15, 2.35, 3.45]), 6.95);
    assert.equal(totalPrice([0.005]), 0.01, 'half a cent rounds up');
    assert.equal(totalPrice([0.004]), 0);
    assert.equal(totalPrice([0.333, 0.333, 0.334]), 1);
    assert.equal(totalPrice([]), 0);
    assert.equal(totalPrice([999999.99, 0.01]), 1000000);
  });

  test('enrichBasket adds a category per product and total_price, ids as text', () => {
    const out = enrichBasket({
      id: 7,
      store: 'Brussels',
      date: '2024-01-01',
      products: [
        { id: 1, name: 'an apple', price: 0.1 },
        { id: 'b', name: 'Bread', price: 0.2 },
        { id: 'c', name: 'milk', price: 1 },
      ],
    });
    assert.deepEqual(out, {
      id: 7,
      store: 'Brussels',
      date: '2024-01-01',
      products: [
        { id: '1', name: 'an apple', price: 0.1, category: 'Fruit' },
        { id: 'b', name: 'Bread', price: 0.2, category: 'Bakery' },
        { id: 'c', name: 'milk', price: 1, category: 'Other' },
      ],
      total_price: 1.3,
    });
  });

  test('randomBasket gives what enrichBasket makes of it', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 50; i++) {
      const { basket, expected } = randomBasket(`r${i}`, random);
      assert.ok(basket.products.length >= 1);
      assert.deepEqual(expected, enrichBasket(basket));
    }
  });
});

describe('baskets coalescer', () => {
  test('concurrent writes share one batch; later ones wait for the batch in flight', async () => {
    const batches: number[][] = [];
    const c = new Coalescer<number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setImmediate(r));
    });
    await Promise.all([1, 2, 3].map((n) => c.write(n)));
    assert.deepEqual(batches, [[1, 2, 3]]);
    const first = c.write(4);
    await new Promise((r) => setImmediate(r)); // batch [4] is now in flight
    const rest = [5, 6].map((n) => c.write(n));
    await Promise.all([first, ...rest]);
    assert.deepEqual(batches.slice(1), [[4], [5, 6]]);
  });

  test('a failed batch is retried item by item: only the bad item fails', async () => {
    const c = new Coalescer<number>(async (items) => {
      if (items.includes(13)) throw new Error(`bad ${items.join(',')}`);
    });
    const results = await Promise.allSettled([1, 13, 2].map((n) => c.write(n)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /bad 13$/);
  });

  test('maxBatch splits a large queue', async () => {
    const sizes: number[] = [];
    const c = new Coalescer<number>(async (items) => void sizes.push(items.length), { maxBatch: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => c.write(i)));
    assert.deepEqual(sizes, [4, 4, 2]);
  });
});

const TOPIC = 'delhaize_shop';

describe('baskets end to end', () => {
  let system: TestSystem;
  let database: Database;

  const recordCount = (topic = TOPIC) => {
    const t = system.broker.broker.topics.get(topic);
    return t ? t.partitions.reduce((n, p) => n + (p.highWatermark - p.log.logStartOffset), 0) : 0;
  };
  const stored = (id: string | number) => eventually(() => getBasket(database.db, id), `basket ${id} in the database`);
  const post = (body: unknown, headers?: Record<string, string>) => api(system.url, 'POST', '/data', body, headers);

  before(async () => {
    system = await startTestSystem({ services: ['baskets'] });
    database = await system.ctx.database();
  });
  after(async () => {
    await system?.close();
  });

  test('a known set of baskets gives exact analytics', async () => {
    const baskets = [
      // 1.10 + 2.50 + 1.25 = 4.85
      { id: 'an-1', store: 'Brussels', date: '2024-01-01', products: [{ id: 1, name: 'apple', price: 1.1 }, { id: 2, name: 'The Bread', price: 2.5 }, { id: 3, name: 'Beers', price: 1.25 }] },
      // 0.1 + 0.2 = 0.30
      { id: 'an-2', store: 'Brussels', date: '2024-01-02', products: [{ id: 1, name: 'an apple', price: 0.1 }, { id: 2, name: 'pear', price: 0.2 }] },
      // 3.00 + 2.00 = 5.00
      { id: 'an-3', store: 'Antwerp', date: '2024-01-03', products: [{ id: 1, name: 'milk', price: 3 }, { id: 2, name: 'CAKE', price: 2 }] },
    ];
    for (const b of baskets) assert.deepEqual((await post(b)).body, { status: 'ok' });
    await eventually(async () => (await countBaskets(database.db)) === 3, '3 baskets stored');
    const res = await api(system.url, 'GET', '/analytics');
    assert.equal(res.status, 200);
    // Products: Fruit 3, Bakery 2, Drink 1, Other 1. Averages: 10.15 / 3 = 3.38; Brussels 5.15 / 2 = 2.575 → 2.58.
    assert.deepEqual(res.body, {
      categoryShare: { Bakery: 2 / 7, Drink: 1 / 7, Fruit: 3 / 7, Other: 1 / 7 },
      averageTotal: 3.38,
      averageTotalByStore: { Antwerp: 5, Brussels: 2.58 },
      baskets: 3,
    });
  });

  test("the README's curl: POST /data answers ok, the record is on delhaize_shop, the database holds it enriched", async () => {
    const basket = {
      id: 1,
      store: 'Brussels',
      date: '2024-01-31',
      products: [
        { id: 'p1', name: 'an apple', price: 0.5 },
        { id: 'p2', name: 'Croissant', price: 1.2 },
        { id: 'p3', name: 'toothpaste', price: 2.35 },
      ],
    };
    const before = recordCount();
    const sentAt = Date.now();
    const res = await post(basket);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
    // Answered only after the broker acknowledged: the record is there already.
    assert.equal(recordCount(), before + 1);
    const records = await readTopic(system, TOPIC);
    const rec = records.find((r) => r.key === '1');
    assert.ok(rec, 'a record keyed by the basket id');
    assert.deepEqual(JSON.parse(rec.value), basket);
    assert.ok(Math.abs(Number(rec.timestamp) - sentAt) < 5000, 'the record timestamp is when the API received it');

    const row = await stored(1);
    assert.equal(row.store, 'Brussels');
    assert.equal(row.totalPrice, 4.05);
    assert.deepEqual(row.products.map((p) => [p.name, p.category]), [
      ['an apple', 'Fruit'],
      ['Croissant', 'Bakery'],
      ['toothpaste', 'Other'],
    ]);
    assert.equal(row.receivedAt.getTime(), Number(rec.timestamp), 'received_at is the record timestamp');
    assert.ok(row.processedAt && row.processedAt >= row.receivedAt);

    const one = await api(system.url, 'GET', '/baskets/1');
    assert.equal(one.status, 200);
    assert.equal(one.body.total_price, 4.05);
    assert.equal(one.body.products[0].category, 'Fruit');
    const none = await api(system.url, 'GET', '/baskets/nope');
    assert.equal(none.status, 404);
    assert.equal(none.body.field, 'params.id');
  });

  test('POST /baskets/lookup names the stored and the missing ids', async () => {
    await stored('an-1');
    const res = await api(system.url, 'POST', '/baskets/lookup', { ids: ['an-1', 'nope', 1] });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.missing, ['nope']);
    assert.deepEqual(res.body.found.map((f: { id: string }) => f.id).sort(), ['1', 'an-1']);
    const an1 = res.body.found.find((f: { id: string }) => f.id === 'an-1');
    assert.equal(an1.total_price, 4.85);
    assert.deepEqual(an1.categories, ['Fruit', 'Bakery', 'Drink']);
    const lookupErrors: [unknown, string, RegExp][] = [
      [{ ids: [] }, 'body.ids', /^body\.ids: must hold at least one id$/],
      [{}, 'body.ids', /^body\.ids: is required$/],
      [{ ids: 'an-1' }, 'body.ids', /^body\.ids: must be an array of basket ids$/],
      [{ ids: [true] }, 'body.ids.0', /^body\.ids\.0: must be a non-empty string/],
      [['an-1'], 'body', /^body: must be a JSON object like \{"ids": /],
    ];
    for (const [body, field, message] of lookupErrors) {
      const bad = await api(system.url, 'POST', '/baskets/lookup', body);
      assert.equal(bad.status, 422, JSON.stringify(body));
      assert.equal(bad.body.field, field, JSON.stringify(bad.body));
      assert.match(bad.body.message, message, JSON.stringify(bad.body));
    }
  });

  test('GET /baskets/count counts every stored basket, or those whose id starts with prefix', async () => {
    await stored('an-3');
    const all = await countBaskets(database.db);
    assert.ok(all >= 3);
    const none = await api(system.url, 'GET', '/baskets/count');
    assert.equal(none.status, 200, JSON.stringify(none.body));
    assert.deepEqual(none.body, { count: all });
    assert.deepEqual((await api(system.url, 'GET', '/baskets/count?prefix=')).body, { count: all });
    assert.deepEqual((await api(system.url, 'GET', '/baskets/count?prefix=an-')).body, { count: 3 });
    assert.deepEqual((await api(system.url, 'GET', '/baskets/count?prefix=zz')).body, { count: 0 });
    const long = await api(system.url, 'GET', `/baskets/count?prefix=${'x'.repeat(201)}`);
    assert.equal(long.status, 422);
    assert.equal(long.body.message, 'querystring.prefix: must be at most 200 characters');
  });

  test('re-sending a basket id replaces it and does not change the count', async () => {
    await stored(1);
    const count = await countBaskets(database.db);
    const again = { id: '1', store: 'Ghent', date: '2024-02-01', products: [{ id: 'x', name: 'wine', price: 9.99 }] };
    assert.deepEqual((await post(again)).body, { status: 'ok' });
    const row = await eventually(async () => {
      const b = await getBasket(database.db, 1);
      return b?.store === 'Ghent' ? b : undefined;
    }, 'the re-sent basket stored');
    assert.equal(row.totalPrice, 9.99);
    assert.equal(await countBaskets(database.db), count);
  });

  test('bad input is a 4xx naming the problem, and nothing reaches the topic', async () => {
    const good = { id: 42, store: 'Ghent', date: '2024-01-01', products: [{ id: 'p', name: 'kiwi', price: 1 }] };
    const without = (field: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== field));
    const product = (p: Record<string, unknown>) => ({ ...good, products: [p] });
    const before = recordCount();
    // Each message is plain and names the field, as the players' and users' routes word theirs.
    const cases: [string, unknown, number, string, RegExp][] = [
      ['missing id', without('id'), 422, 'body.id', /^body\.id: is required$/],
      ['id a boolean', { ...good, id: true }, 422, 'body.id', /^body\.id: must be a non-empty string \(at most 200 characters\) or an integer$/],
      ['id a fraction', { ...good, id: 1.5 }, 422, 'body.id', /^body\.id: must be a non-empty string/],
      ['id empty', { ...good, id: '' }, 422, 'body.id', /^body\.id: must be a non-empty string/],
      ['missing store', without('store'), 422, 'body.store', /^body\.store: is required$/],
      ['store empty', { ...good, store: '' }, 422, 'body.store', /^body\.store: must not be empty$/],
      ['store blank', { ...good, store: '   ' }, 422, 'body.store', /^body\.store: must not be empty$/],
      ['store a number', { ...good, store: 5 }, 422, 'body.store', /^body\.store: must be a string$/],
      ['store too long', { ...good, store: 'x'.repeat(201) }, 422, 'body.store', /^body\.store: must be at most 200 characters$/],
      ['missing date', without('date'), 422, 'body.date', /^body\.date: is required$/],
      ['date a number', { ...good, date: 20240101 }, 422, 'body.date', /^body\.date: must be a string$/],
      ['missing products', without('products'), 422, 'body.products', /^body\.products: is required$/],
      ['no products', { ...good, products: [] }, 422, 'body.products', /^body\.products: must hold at least one product$/],
      ['products an object', { ...good, products: { id: 'p' } }, 422, 'body.products', /^body\.products: must be an array of products like \[\{"id": "p1"/],
      ['a product a string', { ...good, products: ['kiwi'] }, 422, 'body.products.0', /^body\.products\.0: must be an object like \{"id": "p1"/],
      ['negative price', product({ id: 'p', name: 'kiwi', price: -0.01 }), 422, 'body.products.0.price', /^body\.products\.0\.price: must be at least 0$/],
      ['price a string', product({ id: 'p', name: 'kiwi', price: '1.00' }), 422, 'body.products.0.price', /^body\.products\.0\.price: must be a number$/],
      ['missing price', product({ id: 'p', name: 'kiwi' }), 422, 'body.products.0.price', /^body\.products\.0\.price: is required$/],
      ['missing name', product({ id: 'p', price: 1 }), 422, 'body.products.0.name', /^body\.products\.0\.name: is required$/],
      ['missing product id', product({ name: 'kiwi', price: 1 }), 422, 'body.products.0.id', /^body\.products\.0\.id: is required$/],
      ['not an object', [good], 422, 'body', /^body: must be a JSON object like \{"id": 1, "store": "Brussels"/],
      ['invalid JSON', '{"id": 1, "store": ', 400, 'body', /not valid JSON/],
      ['empty body', '', 400, 'body', /empty/],
    ];
    for (const [what, body, status, field, message] of cases) {
      const res = await post(body, body === '' ? { 'content-type': 'application/json' } : {});
      assert.equal(res.status, status, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.field, field, `${what}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.message, message, what);
      assert.doesNotMatch(res.body.message, /Invalid input|expected|Too (small|big)/, `${what}: no zod wording`);
    }
    const form = await post('id=1', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);

    // 10 MB: refused for its size before it is read.
    const big = { ...good, products: [{ id: 'p', name: 'x'.repeat(10 * 1024 * 1024), price: 1 }] };
    const tooBig = await post(big);
    assert.equal(tooBig.status, 413);
    assert.match(tooBig.body.message, /larger than the limit/);

    assert.equal(recordCount(), before, 'no record for any bad request');
  });

  test('a bad record written straight to delhaize_shop goes to the DLQ and processing goes on', async () => {
    const producer = createProducer(system.kafka);
    try {
      const dlqBefore = recordCount(`${TOPIC}.dlq`);
      await producer.send({
        messages: [
          { topic: TOPIC, key: Buffer.from('bad-json'), value: Buffer.from('{"id": 1, not json') },
          { topic: TOPIC, key: Buffer.from('bad-price'), value: Buffer.from(JSON.stringify({ id: 'bad-price', store: 'S', date: 'd', products: [{ id: 'p', name: 'apple', price: -1 }] })) },
          // PostgreSQL cannot store NUL: refused by the topic's schema, not retried against the database.
          { topic: TOPIC, key: Buffer.from('bad-nul'), value: Buffer.from(JSON.stringify({ id: 'bad-nul', store: 'S\u0000', date: 'd', products: [{ id: 'p', name: 'apple', price: 1 }] })) },
        ],
      });
      await eventually(() => recordCount(`${TOPIC}.dlq`) >= dlqBefore + 3, 'three records on the DLQ');
      const dead = (await readTopic(system, `${TOPIC}.dlq`)).filter((r) => r.key?.startsWith('bad-'));
      assert.equal(dead.length, 3);
      for (const d of dead) assert.ok(Object.keys(d.headers).some((h) => /error/i.test(h)), `error headers on ${d.key}: ${Object.keys(d.headers)}`);
      const nul = dead.find((d) => d.key === 'bad-nul')!;
      assert.match(nul.headers['tributary.error'] ?? '', /store: must not contain U\+0000/);
      assert.equal(nul.headers['tributary.attempts'], '0', 'dead-lettered at once, not after retries');
      assert.equal(await getBasket(database.db, 'bad-price'), undefined);
    } finally {
      await producer.close();
    }
    assert.deepEqual((await post({ id: 'after-dlq', store: 'Mons', date: '2024-01-01', products: [{ id: 'p', name: 'soda', price: 1.5 }] })).body, { status: 'ok' });
    const row = await stored('after-dlq');
    assert.equal(row.products[0]?.category, 'Drink');
  });
});

interface RawRecord {
  key: string | null;
  value: string;
  timestamp: bigint;
  headers: Record<string, string>;
}

/** Every record of a topic, read outside any group. */
async function readTopic(system: TestSystem, topic: string): Promise<RawRecord[]> {
  const consumer = createConsumer(system.kafka, { groupId: 'baskets-test-reader' });
  const out: RawRecord[] = [];
  try {
    const partitions = system.broker.broker.topics.get(topic)?.partitions.length ?? 0;
    for (let p = 0; p < partitions; p++) {
      await readPartitionToEnd(consumer, topic, p, (r) =>
        out.push({
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? '',
          timestamp: r.timestamp,
          headers: Object.fromEntries(r.headers.map(([k, v]) => [k?.toString() ?? '', v?.toString() ?? ''])),
        }),
      );
    }
  } finally {
    await consumer.close();
  }
  return out;
}
