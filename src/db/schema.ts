// The database's tables as Kysely types. Column types are what both drivers return
// (openDatabase sets the same type parsers on each): numeric and int8 as strings,
// date as 'YYYY-MM-DD', timestamptz as Date, jsonb parsed.
import type { ColumnType, Generated } from 'kysely';

export interface Schema {
  users: UsersTable;
  baskets: BasketsTable;
  basket_store_totals: BasketStoreTotalsTable;
  basket_category_counts: BasketCategoryCountsTable;
}

export interface UsersTable {
  id: Generated<string>; // uuid, gen_random_uuid()
  name: string;
  email: string;
  created_at: Generated<Date>;
  /** Set only by migration 003: an older user holds this address in another case. */
  email_duplicate_of: Generated<string | null>;
}

/** A product of a processed basket, as stored in `baskets.products`. */
export interface BasketProduct {
  id: string;
  name: string;
  price: number;
  category: string;
}

export interface BasketsTable {
  id: string; // the basket id from the message (numbers are stored as their text)
  store: string;
  date: string; // as given in the message, e.g. '2024-01-31'
  day: string | null; // `date` parsed as a date ('YYYY-MM-DD'), null when not a date
  total_price: ColumnType<string, number | string, number | string>; // numeric(12,2)
  products: ColumnType<BasketProduct[], string, string>; // jsonb; written as JSON text
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  processed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** Baskets and their summed total_price per store, kept by triggers on `baskets` (migration 002). */
export interface BasketStoreTotalsTable {
  store: string;
  baskets: ColumnType<string, number | string, number | string>; // int8
  total_price: ColumnType<string, number | string, number | string>; // numeric
}

/** Stored products per category ('Unknown' for none), kept by triggers on `baskets`. */
export interface BasketCategoryCountsTable {
  category: string;
  products: ColumnType<string, number | string, number | string>; // int8
}
