// The analytics from the aggregates (migration 002) answer exactly what a scan
// of every stored basket answers, the way GET /analytics was computed before:
// after inserts, identical re-deliveries, updates that move a basket to another
// store or change its products, two versions of one id in one statement,
// concurrent batches, deletes, and on a database whose baskets were stored
// before the aggregates existed (the migration's backfill).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import {
  basketAnalytics,
  upsertBasket,
  upsertBaskets,
  type BasketAnalytics,
  type BasketInput,
  type BasketProduct,
  type Database,
  type Schema,
} from '../../src/db/index.js';
import { basketAggregates } from '../../src/db/migrations/002_basket_aggregates.js';
import { basketWriter } from '../../src/services/baskets/worker.js';
import { seeded } from '../helpers/seeded.js';
import { describeBackends } from './backends.js';

/** GET /analytics before migration 002: every basket and every product, aggregated per request. */
async function scanAnalytics(db: Kysely<Schema>): Promise<BasketAnalytics> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const totals = await trx
        .selectFrom('baskets')
        .select([sql<string>`count(*)`.as('baskets'), sql<string | null>`round(avg(total_price), 2)`.as('average')])
        .executeTakeFirstOrThrow();
      const byStore = await trx
        .selectFrom('baskets')
        .select(['store', sql<string>`round(avg(total_price), 2)`.as('average')])
        .groupBy('store')
        .orderBy('store')
        .execute();
      const shares = await sql<{ category: string; share: number }>`
        select coalesce(p.product ->> 'category', 'Unknown') as category,
               count(*)::float8 / (sum(count(*)) over ())::float8 as share
        from baskets cross join lateral jsonb_array_elements(baskets.products) as p(product)
        group by 1
        order by 1`.execute(trx);
      const money = (v: string | null | undefined) => (v == null ? 0 : Math.round(Number(v) * 100) / 100);
      return {
        categoryShare: Object.fromEntries(shares.rows.map((r) => [r.category, Number(r.share)])),
        averageTotal: money(totals.average),
        averageTotalByStore: Object.fromEntries(byStore.map((r) => [r.store, money(r.average)])),
        baskets: Number(totals.baskets),
      };
    });
}

const STORES = ['Brussels', 'Antwerp', 'Ghent', 'Liège', 'bruges', 'Été'];
const CATEGORIES = ['Fruit', 'Bakery', 'Drink', 'Other', undefined];

function randomBasket(random: () => number, id: string | number): BasketInput {
  const products: BasketProduct[] = Array.from({ length: Math.floor(random() * 5) }, (_, i) => {
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)];
    const product = { id: `p${i}`, name: 'x', price: 1, category } as BasketProduct;
    if (category === undefined) delete (product as Partial<BasketProduct>).category;
    return product;
  });
  // Prices that round on the way into numeric(12,2) (half a cent, thirds) and large ones.
  const kinds = [() => Math.floor(random() * 100_000) / 100, () => Math.floor(random() * 1000) / 1000 + 0.005, () => 1 / 3, () => 99_999_999.99];
  return { id, store: STORES[Math.floor(random() * STORES.length)]!, date: '2024-05-01', total_price: kinds[Math.floor(random() * kinds.length)]!(), products };
}

describeBackends('basket aggregates', (backend) => {
  let database: Database;
  before(async () => {
    database = await backend.fresh();
  });

  const same = async (what: string) => {
    const expected = await scanAnalytics(database.db);
    assert.deepEqual(await basketAnalytics(database.db), expected, what);
    return expected;
  };

  test('analytics read the aggregates, not the baskets (a request does not scan every basket)', async () => {
    await upsertBasket(database.db, { id: 'r1', store: 'Brussels', date: '2024-01-01', total_price: 2.5, products: [{ id: 'a', name: 'apple', price: 2.5, category: 'Fruit' }] });
    // With `baskets` out of sight (this suite's own schema), only the aggregates remain to read.
    await sql`alter table baskets rename to baskets_hidden`.execute(database.db);
    let seen: BasketAnalytics;
    try {
      seen = await basketAnalytics(database.db);
    } finally {
      await sql`alter table baskets_hidden rename to baskets`.execute(database.db);
    }
    assert.deepEqual(seen, { categoryShare: { Fruit: 1 }, averageTotal: 2.5, averageTotalByStore: { Brussels: 2.5 }, baskets: 1 });
    await database.db.deleteFrom('baskets').execute();
  });

  test('the same answers as a full scan over inserts, re-deliveries, updates and deletes', async () => {
    const random = seeded(12);
    const ids = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? i : `b-${i}`));
    const stored = new Map<string, BasketInput>();
    const pick = () => ids[Math.floor(random() * ids.length)]!;
    for (let round = 0; round < 30; round++) {
      const batch: BasketInput[] = [];
      for (let i = 0; i < 1 + Math.floor(random() * 25); i++) {
        const id = pick();
        const old = stored.get(String(id));
        // A third re-delivers the stored basket as it is, the rest are new versions.
        const b = old && random() < 0.33 ? old : randomBasket(random, id);
        batch.push(b);
        // Two versions of one id in one statement: the last one is what is stored.
        if (random() < 0.1) batch.push(randomBasket(random, id));
      }
      for (const b of batch) stored.set(String(b.id), batch.findLast((x) => String(x.id) === String(b.id))!);
      await upsertBaskets(database.db, batch);
      if (round % 5 === 4) await upsertBasket(database.db, stored.get(String(pick())) ?? randomBasket(random, pick()));
      if (round % 7 === 6) {
        const gone = String(pick());
        stored.delete(gone);
        await database.db.deleteFrom('baskets').where('id', '=', gone).execute();
      }
      await same(`after round ${round}`);
    }
    const final = await same('at the end');
    assert.ok(final.baskets > 30 && Object.keys(final.averageTotalByStore).length === STORES.length, JSON.stringify(final));
    assert.ok(final.categoryShare.Unknown! > 0);
  });

  test('concurrent batches through the worker writer, with the same ids in several', async () => {
    const random = seeded(99);
    const writer = basketWriter(database);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 400; i++) writes.push(writer.write(randomBasket(random, `c-${Math.floor(random() * 80)}`)));
    await Promise.all(writes);
    assert.ok(writer.stats.batches < 400, 'the writes were coalesced into multi-row statements');
    // Concurrent upserts of the same ids outside the writer (on PostgreSQL, on other connections).
    await Promise.all(Array.from({ length: 6 }, (_, k) => upsertBaskets(database.db, Array.from({ length: 30 }, (_, j) => randomBasket(random, `c-${(j * 7 + k) % 80}`)))));
    await same('after concurrent batches');
  });

  test('a re-delivered identical basket changes no aggregate row', async () => {
    const b: BasketInput = { id: 'same', store: 'Namur', date: '2024-01-01', total_price: 4.2, products: [{ id: 'a', name: 'beer', price: 4.2, category: 'Drink' }] };
    await upsertBasket(database.db, b);
    const versions = async () =>
      (await sql<{ v: string }>`select string_agg(xmin::text, ',' order by store) as v from basket_store_totals`.execute(database.db)).rows[0]!.v +
      (await sql<{ v: string }>`select string_agg(xmin::text, ',' order by category) as v from basket_category_counts`.execute(database.db)).rows[0]!.v;
    const before = await versions();
    await upsertBasket(database.db, b);
    await upsertBaskets(database.db, [b, b]);
    assert.equal(await versions(), before);
    await same('after identical re-deliveries');
  });

  test('the migration fills the aggregates from baskets stored before it', async () => {
    await basketAggregates.down!(database.db);
    const random = seeded(7);
    await upsertBaskets(database.db, Array.from({ length: 200 }, (_, i) => randomBasket(random, `m-${i}`)));
    const expected = await scanAnalytics(database.db);
    await database.db.transaction().execute((trx) => basketAggregates.up(trx));
    assert.deepEqual(await basketAnalytics(database.db), expected);
    await upsertBaskets(database.db, Array.from({ length: 50 }, (_, i) => randomBasket(random, `m-${i * 3}`)));
    await same('writes after the backfill');
    await sql`truncate baskets`.execute(database.db);
    assert.deepEqual(await same('after truncate'), { categoryShare: {}, averageTotal: 0, averageTotalByStore: {}, baskets: 0 });
  });
});
