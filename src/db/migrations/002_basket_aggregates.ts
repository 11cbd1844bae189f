// 002_basket_aggregates: what GET /analytics needs, kept current as baskets are
// written, so the analytics read a row per store and per category instead of
// scanning every basket.
//
//   basket_store_totals     store → baskets, sum of total_price (exact numeric)
//   basket_category_counts  category → products ('Unknown' when a product has none)
//
// Statement-level triggers with transition tables maintain them in the same
// transaction as the write to `baskets`: a new basket adds its contribution, an
// updated one subtracts the contribution of the row version it replaced and adds
// the new one (so a re-delivered, identical basket changes nothing), a deleted
// one subtracts. The old row version is known exactly only inside the statement
// that replaces it (a read before the upsert could miss a row a concurrent
// writer inserts meanwhile), hence triggers rather than queries around the
// upsert; one statement carrying many baskets, even two versions of one id in
// successive statements, is summed set-wise in one step per table. Rows are
// upserted in key order so concurrent writers lock them in the same order.
//
// The migration locks `baskets` against writers, then fills the aggregates from
// the baskets already stored, so no write falls between the backfill and the
// triggers.
import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Applies the contributions in `rows` (store, sign, total_price, products):
 * sign +1 adds a basket, -1 removes one. Zero deltas write nothing.
 */
function applyDeltas(rows: string): string {
  return `
    insert into basket_store_totals as t (store, baskets, total_price)
      select store, sum(sign), sum(sign * total_price) from (${rows}) d
      group by store having sum(sign) <> 0 or sum(sign * total_price) <> 0
      order by store
    on conflict (store) do update
      set baskets = t.baskets + excluded.baskets, total_price = t.total_price + excluded.total_price;
    insert into basket_category_counts as t (category, products)
      select coalesce(p.product ->> 'category', 'Unknown'), sum(d.sign)
      from (${rows}) d cross join lateral jsonb_array_elements(d.products) as p(product)
      group by 1 having sum(d.sign) <> 0
      order by 1
    on conflict (category) do update set products = t.products + excluded.products;`;
}

const added = `select store, 1 as sign, total_price, products from new_rows`;
const removed = `select store, -1 as sign, total_price, products from old_rows`;

/** A trigger function; `search_path from current` pins the schema it was created in. */
function triggerFunction(name: string, body: string): string {
  return `create function ${name}() returns trigger language plpgsql set search_path from current as $fn$
    begin ${body} return null; end $fn$`;
}

export const basketAggregates: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await sql`lock table baskets in share row exclusive mode`.execute(db);
    await db.schema
      .createTable('basket_store_totals')
      .addColumn('store', 'text', (c) => c.primaryKey())
      .addColumn('baskets', 'bigint', (c) => c.notNull())
      .addColumn('total_price', 'numeric', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('basket_category_counts')
      .addColumn('category', 'text', (c) => c.primaryKey())
      .addColumn('products', 'bigint', (c) => c.notNull())
      .execute();

    await sql`
      insert into basket_store_totals (store, baskets, total_price)
      select store, count(*), sum(total_price) from baskets group by store`.execute(db);
    await sql`
      insert into basket_category_counts (category, products)
      select coalesce(p.product ->> 'category', 'Unknown'), count(*)
      from baskets cross join lateral jsonb_array_elements(baskets.products) as p(product)
      group by 1`.execute(db);

    await sql.raw(triggerFunction('baskets_aggregate_insert', applyDeltas(added))).execute(db);
    await sql.raw(triggerFunction('baskets_aggregate_update', applyDeltas(`${added} union all ${removed}`))).execute(db);
    await sql.raw(triggerFunction('baskets_aggregate_delete', applyDeltas(removed))).execute(db);
    await sql.raw(triggerFunction('baskets_aggregate_truncate', 'delete from basket_store_totals; delete from basket_category_counts;')).execute(db);
    await sql`create trigger baskets_aggregate_insert after insert on baskets
      referencing new table as new_rows for each statement execute function baskets_aggregate_insert()`.execute(db);
    await sql`create trigger baskets_aggregate_update after update on baskets
      referencing old table as old_rows new table as new_rows for each statement execute function baskets_aggregate_update()`.execute(db);
    await sql`create trigger baskets_aggregate_delete after delete on baskets
      referencing old table as old_rows for each statement execute function baskets_aggregate_delete()`.execute(db);
    await sql`create trigger baskets_aggregate_truncate after truncate on baskets
      for each statement execute function baskets_aggregate_truncate()`.execute(db);
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await sql.raw(`drop trigger if exists baskets_aggregate_${op} on baskets`).execute(db);
      await sql.raw(`drop function if exists baskets_aggregate_${op}()`).execute(db);
    }
    await db.schema.dropTable('basket_category_counts').execute();
    await db.schema.dropTable('basket_store_totals').execute();
  },
};
