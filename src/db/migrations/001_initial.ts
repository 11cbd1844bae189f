// 001_initial: users (system 3, activity) and baskets (system 5). The products of a
// basket stay in one jsonb column: the category share is one jsonb_array_elements
// query, and a re-delivered basket replaces its products in the same row update.
import { sql, type Kysely, type Migration } from 'kysely';

export const initial: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();

    await db.schema
      .createTable('baskets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('day', 'date')
      .addColumn('total_price', sql`numeric(12,2)`, (c) => c.notNull())
      .addColumn('products', 'jsonb', (c) => c.notNull())
      .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('processed_at', 'timestamptz')
      .addCheckConstraint('baskets_products_is_array', sql`jsonb_typeof(products) = 'array'`)
      .execute();

    await db.schema.createIndex('baskets_store_idx').on('baskets').column('store').execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('baskets').execute();
    await db.schema.dropTable('users').execute();
  },
};
