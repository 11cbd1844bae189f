// Zod schemas of system 5: the basket POST /data accepts (also the value schema
// of the delhaize_shop topic, so a record written there by anything else is
// checked the same way, and dead-lettered when it fails), and the bodies of the
// read routes. The limits keep a total within the database's numeric(12,2).
import { z } from 'zod';
import { MAX_ID_LENGTH, storable } from '../../http/storable.js';

/** Most products in one basket, and the highest price of one; 1000 × 1,000,000 fits numeric(12,2). */
export const MAX_PRODUCTS = 1000;
export const MAX_PRICE = 1_000_000;

function idSchema() {
  return z.union([z.string().min(1).max(MAX_ID_LENGTH), z.number().int()], {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be a non-empty string (at most ${MAX_ID_LENGTH} characters) or an integer`),
  });
}

/**
 * A basket id is a non-empty string or an integer (load generators often send
 * numbers). It is stored as text, so 42 and "42" are the same basket.
 */
export const BasketId = idSchema().describe('A string, or an integer (stored as its text: 42 and "42" are one basket)');

export const Product = z.object({
  id: idSchema().describe('Product id, a string or an integer'),
  name: z.string().min(1).max(200).describe('Matched to the catalog case-insensitively, e.g. "an apple" is Fruit'),
  price: z.number().min(0).max(MAX_PRICE).describe('Unit price, ≥ 0'),
});

// Storable: the worker stores every string of it in text and jsonb columns.
export const Basket = storable(
  z.object({
    id: BasketId,
    store: z.string().regex(/\S/, 'must not be empty').max(200),
    date: z.string().min(1).max(100).describe('As the client gives it, e.g. 2024-01-31'),
    products: z.array(Product).min(1).max(MAX_PRODUCTS),
  }),
).describe('A shopping basket, as POSTed to /data and carried on delhaize_shop');
export type Basket = z.infer<typeof Basket>;

export const Ok = z.object({ status: z.literal('ok') });

export const Analytics = z.object({
  categoryShare: z.record(z.string(), z.number()).describe('Share of all stored products per category, 0..1'),
  averageTotal: z.number().describe('Average basket total_price, to the cent'),
  averageTotalByStore: z.record(z.string(), z.number()).describe('Average basket total_price per store'),
  baskets: z.number().int().describe('Baskets stored'),
});

export const StoredProduct = z.object({ id: z.string(), name: z.string(), price: z.number(), category: z.string() });

export const StoredBasket = z.object({
  id: z.string(),
  store: z.string(),
  date: z.string(),
  total_price: z.number(),
  products: z.array(StoredProduct),
  received_at: z.string().describe('When the API received it (its record timestamp)'),
  processed_at: z.string().nullable().describe('When the worker stored it'),
});

/** Most ids one lookup takes. */
export const MAX_LOOKUP = 1000;

export const LookupRequest = z.object({ ids: z.array(BasketId).min(1).max(MAX_LOOKUP) });

export const Arrival = z.object({
  id: z.string(),
  total_price: z.number(),
  categories: z.array(z.string()),
  received_at: z.string(),
  processed_at: z.string().nullable(),
});
export type Arrival = z.infer<typeof Arrival>;

export const LookupResponse = z.object({
  found: z.array(Arrival).describe('The ids the database holds'),
  missing: z.array(z.string()).describe('The ids it does not hold (yet)'),
});
export type LookupResponse = z.infer<typeof LookupResponse>;
