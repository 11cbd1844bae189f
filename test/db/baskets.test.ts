// Baskets: idempotent upsert by id and the analytics, exact for a known set.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  basketAnalytics,
  countBaskets,
  countBasketsWithPrefix,
  getBasket,
  lookupBaskets,
  upsertBasket,
  upsertBaskets,
  type BasketInput,
  type BasketProduct,
  type Database,
} from '../../src/db/index.js';
import { describeBackends } from './backends.js';

const p = (name: string, price: number, category: string): BasketProduct => ({ id: name, name, price, category });

describeBackends('baskets', (backend) => {
  let database: Database;
  before(async () => {
    database = await backend.fresh();
  });

  test('analytics of an empty table are zeros', async () => {
    assert.deepEqual(await basketAnalytics(database.db), {
      categoryShare: {},
      averageTotal: 0,
      averageTotalByStore: {},
      baskets: 0,
    });
  });

  test('upsertBasket is idempotent by id: counted once, later values win', async () => {
    const first: BasketInput = {
      id: 7, // load generators send numeric ids
      store: 'Brussels',
      date: '2020-01-01',
      total_price: 4.5,
      products: [p('Banana', 1.5, 'Fruit'), p('Bread', 1.5, 'Bakery'), p('Water', 1.5, 'Drink')],
    };
    assert.deepEqual(await upsertBasket(database.db, first), { inserted: true });
    const stored = await getBasket(database.db, '7');
    assert.ok(stored);
    assert.equal(stored.day, '2020-01-01');

    const again = { ...first, store: 'Ghent', total_price: 1.5, products: [p('Banana', 1.5, 'Fruit')] };
    assert.deepEqual(await upsertBasket(database.db, again), { inserted: false });
    assert.deepEqual(await upsertBasket(database.db, again), { inserted: false });
    assert.equal(await countBaskets(database.db), 1);

    const updated = await getBasket(database.db, 7);
    assert.ok(updated);
    assert.equal(updated.store, 'Ghent');
    assert.equal(updated.totalPrice, 1.5);
    assert.deepEqual(updated.products, [p('Banana', 1.5, 'Fruit')]);
    assert.equal(updated.receivedAt.getTime(), stored.receivedAt.getTime(), 'received_at is the first delivery');
    assert.ok(updated.processedAt && stored.processedAt && updated.processedAt >= stored.processedAt);
  });

  test('concurrent deliveries of one basket store one row', async () => {
    const b: BasketInput = { id: 'dup', store: 'Liège', date: '2024-01-31', total_price: 2, products: [p('Tea', 2, 'Drink')] };
    const results = await Promise.all(Array.from({ length: 8 }, () => upsertBasket(database.db, b)));
    assert.equal(results.filter((r) => r.inserted).length, 1);
    assert.equal(await countBaskets(database.db), 2);
  });

  test('date stays as given; day is null when it is not a calendar date', async () => {
    await upsertBasket(database.db, { id: 'odd-date', store: 'X', date: '2024-02-30', total_price: 0, products: [] });
    await upsertBasket(database.db, { id: 'ts-date', store: 'X', date: '2024-02-29T10:00:00Z', total_price: 0, products: [] });
    assert.deepEqual(await getBasket(database.db, 'odd-date').then((b) => [b?.date, b?.day]), ['2024-02-30', null]);
    assert.deepEqual(await getBasket(database.db, 'ts-date').then((b) => [b?.date, b?.day]), ['2024-02-29T10:00:00Z', '2024-02-29']);
  });

  test('money is stored to the cent', async () => {
    await upsertBasket(database.db, { id: 'cents', store: 'X', date: '2024-01-01', total_price: 0.1 + 0.2, products: [] });
    assert.equal((await getBasket(database.db, 'cents'))?.totalPrice, 0.3);
  });

  test('bad input is refused before the database', async () => {
    const ok: BasketInput = { id: 'x', store: 'S', date: '2024-01-01', total_price: 1, products: [] };
    await assert.rejects(upsertBasket(database.db, { ...ok, id: '' }), TypeError);
    await assert.rejects(upsertBasket(database.db, { ...ok, total_price: Number.NaN }), TypeError);
    await assert.rejects(upsertBasket(database.db, { ...ok, products: null as unknown as BasketProduct[] }), TypeError);
  });

  // The analytics tests start from an empty table (one PGlite per file: it is WASM,
  // and a new instance costs 1.5–3 s).
  test('analytics are exact for a known set of baskets', async () => {
    await database.db.deleteFrom('baskets').execute();
    const baskets: BasketInput[] = [
      // Brussels: 10.00, 5.25, 3.10 → average 18.35 / 3 = 6.11666… → 6.12
      { id: 1, store: 'Brussels', date: '2024-01-01', total_price: 10, products: [p('apple', 2, 'Fruit'), p('pear', 3, 'Fruit'), p('bread', 5, 'Bakery')] },
      { id: 2, store: 'Brussels', date: '2024-01-02', total_price: 5.25, products: [p('milk', 1.25, 'Dairy'), p('banana', 4, 'Fruit')] },
      { id: 3, store: 'Brussels', date: '2024-01-03', total_price: 3.1, products: [p('water', 3.1, 'Drink')] },
      // Antwerp: 7.99, 2.00 → average 9.99 / 2 = 4.995 → 5.00 (numeric rounds half away from zero)
      { id: 4, store: 'Antwerp', date: '2024-01-04', total_price: 7.99, products: [p('cheese', 5.99, 'Dairy'), p('apple', 2, 'Fruit')] },
      { id: 5, store: 'Antwerp', date: '2024-01-05', total_price: 2, products: [p('bun', 2, 'Bakery')] },
      // Ghent: a basket delivered twice, the second delivery replaces the first.
      { id: 6, store: 'Ghent', date: '2024-01-06', total_price: 100, products: [p('x', 100, 'Other')] },
      { id: 6, store: 'Ghent', date: '2024-01-06', total_price: 1.2, products: [p('kiwi', 0.6, 'Fruit'), p('lime', 0.6, 'Fruit')] },
    ];
    for (const b of baskets) await upsertBasket(database.db, b);

    // Products: Fruit 2+1+1+2 = 6, Bakery 1+1 = 2, Dairy 1+1 = 2, Drink 1 → 11 in all.
    // Totals: 10 + 5.25 + 3.1 + 7.99 + 2 + 1.2 = 29.54 over 6 baskets = 4.92333… → 4.92.
    assert.deepEqual(await basketAnalytics(database.db), {
      categoryShare: { Bakery: 2 / 11, Dairy: 2 / 11, Drink: 1 / 11, Fruit: 6 / 11 },
      averageTotal: 4.92,
      averageTotalByStore: { Antwerp: 5, Brussels: 6.12, Ghent: 1.2 },
      baskets: 6,
    });
  });

  test('shares add up to 1', async () => {
    const { categoryShare } = await basketAnalytics(database.db);
    const sum = Object.values(categoryShare).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `sum ${sum}`);
  });

  test("a product without a category counts as 'Unknown'", async () => {
    const nameless = { id: 'n', name: 'mystery', price: 1 } as BasketProduct;
    await upsertBasket(database.db, { id: 'u', store: 'Ghent', date: '2024-01-07', total_price: 1, products: [nameless] });
    const { categoryShare, baskets } = await basketAnalytics(database.db);
    assert.equal(baskets, 7);
    assert.equal(categoryShare.Unknown, 1 / 12);
    assert.equal(categoryShare.Fruit, 6 / 12);
  });

  test('upsertBaskets stores many in one statement, idempotently, last value of an id wins', async () => {
    const before = await countBaskets(database.db);
    const b = (id: string | number, total: number): BasketInput => ({ id, store: 'Batch', date: '2024-03-01', total_price: total, products: [p('apple', total, 'Fruit')] });
    assert.deepEqual(await upsertBaskets(database.db, []), { inserted: [] });
    const first = await upsertBaskets(database.db, [b('b1', 1), b(2001, 2), b('b1', 3)]);
    assert.deepEqual(first.inserted.sort(), ['2001', 'b1']);
    assert.equal((await getBasket(database.db, 'b1'))?.totalPrice, 3);
    const received = (await getBasket(database.db, 'b1'))!.receivedAt;
    // Re-delivered with a new one: only the new one is inserted, nothing counted twice.
    const again = await upsertBaskets(database.db, [b('b1', 4), b(2001, 2), b('b3', 5)]);
    assert.deepEqual(again.inserted, ['b3']);
    assert.equal(await countBaskets(database.db), before + 3);
    const b1 = await getBasket(database.db, 'b1');
    assert.equal(b1?.totalPrice, 4);
    assert.equal(b1?.receivedAt.getTime(), received.getTime(), 'received_at is the first delivery');
    await assert.rejects(upsertBaskets(database.db, [b('ok', 1), { ...b('bad', 1), total_price: Number.NaN }]), TypeError);
  });

  test('upsertBaskets keeps a given received_at', async () => {
    const at = new Date('2024-05-01T10:00:00.123Z');
    await upsertBaskets(database.db, [{ id: 'timed', store: 'S', date: '2024-05-01', total_price: 1, products: [], received_at: at }]);
    const stored = await getBasket(database.db, 'timed');
    assert.equal(stored?.receivedAt.getTime(), at.getTime());
    assert.ok(stored?.processedAt && stored.processedAt.getTime() >= at.getTime());
  });

  test('lookupBaskets answers the stored ones among the ids, with categories in order', async () => {
    assert.deepEqual(await lookupBaskets(database.db, []), []);
    const found = await lookupBaskets(database.db, ['b1', 2001, 'nope', 1]);
    assert.deepEqual(found.map((f) => f.id).sort(), ['1', '2001', 'b1']);
    const one = found.find((f) => f.id === '1')!;
    assert.equal(one.totalPrice, 10);
    assert.deepEqual(one.categories, ['Fruit', 'Fruit', 'Bakery']);
    assert.ok(one.receivedAt instanceof Date && one.processedAt instanceof Date);
  });

  test('countBasketsWithPrefix counts ids by prefix, LIKE wildcards taken literally', async () => {
    const b = (id: string): BasketInput => ({ id, store: 'P', date: '2024-01-01', total_price: 1, products: [] });
    await upsertBaskets(database.db, [b('run-a-1'), b('run-a-2'), b('run-ab-1'), b('run_a-1'), b('run%a-1')]);
    assert.equal(await countBasketsWithPrefix(database.db, 'run-a-'), 2);
    assert.equal(await countBasketsWithPrefix(database.db, 'run_a-'), 1);
    assert.equal(await countBasketsWithPrefix(database.db, 'run%'), 1);
    assert.equal(await countBasketsWithPrefix(database.db, 'nothing-'), 0);
  });
});
