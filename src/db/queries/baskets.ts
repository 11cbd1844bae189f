// Baskets (system 5): the idempotent write of a processed basket, and the analytics,
// computed in SQL; numeric results are converted to numbers here, money to cents.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BasketProduct, BasketsTable, Schema } from '../schema.js';

/** A processed basket as on the topic (the worker has added categories and total_price). */
export interface BasketInput {
  id: string | number;
  store: string;
  date: string;
  total_price: number;
  products: BasketProduct[];
  /** When the basket was received; default now. Kept from the first delivery. */
  received_at?: Date;
}

export interface StoredBasket {
  id: string;
  store: string;
  date: string;
  day: string | null;
  totalPrice: number;
  products: BasketProduct[];
  receivedAt: Date;
  processedAt: Date | null;
}

export interface BasketAnalytics {
  /** Share of all stored products in each category, 0..1 (products without one: 'Unknown'). */
  categoryShare: Record<string, number>;
  /** Average basket total_price, rounded to cents; 0 with no baskets. */
  averageTotal: number;
  averageTotalByStore: Record<string, number>;
  baskets: number;
}

/**
 * Stores a basket by id: a re-delivered basket replaces the stored values (it is never
 * counted twice). `inserted` is false when the id was already there.
 */
export async function upsertBasket(db: Kysely<Schema>, basket: BasketInput): Promise<{ inserted: boolean }> {
  const [row] = await upsertRows(db, [basketRow(basket)]);
  return { inserted: row!.inserted };
}

/**
 * Stores many baskets in one statement (the worker's write path: one round trip
 * for all the baskets processed at once), with the same rules as upsertBasket.
 * An id given twice is stored once, with its last values. Answers the ids that
 * were new. The rows travel as one jsonb parameter: the statement text is the
 * same for any batch size, and no per-row parameters are encoded.
 */
export async function upsertBaskets(db: Kysely<Schema>, baskets: BasketInput[]): Promise<{ inserted: string[] }> {
  // One statement cannot touch a row twice (ON CONFLICT would refuse): keep the last of each id.
  const byId = new Map<string, BatchRow>();
  for (const b of baskets) {
    const row = batchRow(b);
    byId.delete(row.id);
    byId.set(row.id, row);
  }
  if (byId.size === 0) return { inserted: [] };
  // Rows in id order (ORDER BY below): two concurrent batches sharing ids lock them in the same order.
  const { rows } = await sql<{ id: string; inserted: boolean }>`
    insert into baskets (id, store, date, day, total_price, products, received_at, processed_at)
    select r.id, r.store, r.date, r.day, r.total_price, r.products, coalesce(r.received_at, now()), now()
    from jsonb_to_recordset(${JSON.stringify([...byId.values()])}::jsonb)
      as r(id text, store text, date text, day date, total_price numeric, products jsonb, received_at timestamptz)
    order by r.id
    on conflict (id) do update set
      store = excluded.store, date = excluded.date, day = excluded.day, total_price = excluded.total_price,
      products = excluded.products, processed_at = excluded.processed_at
    returning id, (xmax = 0) as inserted`.execute(db);
  return { inserted: rows.filter((r) => r.inserted).map((r) => r.id) };
}

interface BatchRow {
  id: string;
  store: string;
  date: string;
  day: string | null;
  total_price: number;
  products: BasketInput['products'];
  received_at: string | null;
}

function batchRow(basket: BasketInput): BatchRow {
  const id = checkBasket(basket);
  return {
    id,
    store: basket.store,
    date: basket.date,
    day: parseDay(basket.date),
    total_price: basket.total_price,
    products: basket.products,
    received_at: basket.received_at ? basket.received_at.toISOString() : null,
  };
}

/** The checks both write paths make before the database; answers the id as stored. */
function checkBasket(basket: BasketInput): string {
  const id = String(basket.id);
  if (id === '') throw new TypeError('basket id is empty');
  if (!Number.isFinite(basket.total_price)) throw new TypeError(`basket ${id}: total_price is not a number`);
  if (!Array.isArray(basket.products)) throw new TypeError(`basket ${id}: products is not an array`);
  return id;
}

function basketRow(basket: BasketInput) {
  return {
    id: checkBasket(basket),
    store: basket.store,
    date: basket.date,
    day: parseDay(basket.date),
    total_price: basket.total_price,
    products: JSON.stringify(basket.products),
    received_at: basket.received_at,
    processed_at: sql<Date>`now()`,
  };
}

async function upsertRows(db: Kysely<Schema>, rows: ReturnType<typeof basketRow>[]): Promise<{ id: string; inserted: boolean }[]> {
  return db
    .insertInto('baskets')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        store: eb.ref('excluded.store'),
        date: eb.ref('excluded.date'),
        day: eb.ref('excluded.day'),
        total_price: eb.ref('excluded.total_price'),
        products: eb.ref('excluded.products'),
        processed_at: eb.ref('excluded.processed_at'),
      })),
    )
    // xmax is 0 on a freshly inserted row version, the updating transaction otherwise.
    .returning(['id', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute();
}

export async function getBasket(db: Kysely<Schema>, id: string | number): Promise<StoredBasket | undefined> {
  const row = await db.selectFrom('baskets').selectAll().where('id', '=', String(id)).executeTakeFirst();
  return row && toBasket(row);
}

/** What `lookupBaskets` answers per stored basket: enough to check it arrived whole and when. */
export interface BasketArrival {
  id: string;
  totalPrice: number;
  /** The category of each product, in order. */
  categories: string[];
  receivedAt: Date;
  processedAt: Date | null;
}

/** The stored baskets among `ids` (absent ones are left out), in one query. */
export async function lookupBaskets(db: Kysely<Schema>, ids: (string | number)[]): Promise<BasketArrival[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('baskets')
    .select(['id', 'total_price', 'products', 'received_at', 'processed_at'])
    .where('id', 'in', ids.map(String))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    totalPrice: Number(r.total_price),
    categories: r.products.map((p) => p.category),
    receivedAt: r.received_at,
    processedAt: r.processed_at,
  }));
}

export async function countBaskets(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('baskets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Baskets whose id starts with `prefix` (e.g. one stress run's): a cheap progress count. */
export async function countBasketsWithPrefix(db: Kysely<Schema>, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const row = await db
    .selectFrom('baskets')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'like', pattern)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The analytics of system 5, from the aggregates the triggers on `baskets` keep
 * (migration 002): one statement, so one snapshot, reading a row per store and
 * per category. The same figures as aggregating every basket: averages are the
 * exact numeric sum over the count, rounded to cents in SQL as round(avg(), 2)
 * would; shares are float8 divisions of the same counts.
 */
export async function basketAnalytics(db: Kysely<Schema>): Promise<BasketAnalytics> {
  const { rows } = await sql<{ part: number; key: string | null; n: string | null; average: string | null; share: number | null }>`
    with s as (select store, baskets, total_price from basket_store_totals where baskets > 0),
         c as (select category, products from basket_category_counts where products > 0)
    select 0 as part, null::text as key, sum(baskets)::text as n,
           round(sum(total_price) / sum(baskets), 2)::text as average, null::float8 as share from s
    union all
    select 1, store, baskets::text, round(total_price / baskets, 2)::text, null from s
    union all
    select 2, category, products::text, null, products::float8 / (sum(products) over ())::float8 from c
    order by part, key`.execute(db);
  const result: BasketAnalytics = { categoryShare: {}, averageTotal: 0, averageTotalByStore: {}, baskets: 0 };
  for (const r of rows) {
    if (r.part === 0) {
      result.baskets = Number(r.n ?? 0);
      result.averageTotal = toMoney(r.average);
    } else if (r.part === 1) result.averageTotalByStore[r.key!] = toMoney(r.average);
    else result.categoryShare[r.key!] = Number(r.share);
  }
  return result;
}

/** 'YYYY-MM-DD…' → 'YYYY-MM-DD' when it is a real calendar date, else null. */
function parseDay(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? m[0].slice(0, 10) : null;
}

/** A numeric text from Postgres (already rounded to cents there) as a number. */
function toMoney(value: string | null | undefined): number {
  return value == null ? 0 : Math.round(Number(value) * 100) / 100;
}

function toBasket(row: Selectable<BasketsTable>): StoredBasket {
  return {
    id: row.id,
    store: row.store,
    date: row.date,
    day: row.day,
    totalPrice: Number(row.total_price),
    products: row.products,
    receivedAt: row.received_at,
    processedAt: row.processed_at,
  };
}
