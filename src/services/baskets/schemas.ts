// Zod schemas of system 5: the basket POST /data accepts (also the value schema
// of the delhaize_shop topic, so a record written there by anything else is
// checked the same way, and dead-lettered when it fails), and the bodies of the
// read routes. The limits keep a total within the database's numeric(12,2).
// Every rule has its own plain message ("is required", "must be at least 0"),
// as the other services' schemas do, rather than zod's type-speak.
import { z } from 'zod';
import { requiredOr as required } from '../../http/schemas.js';
import { MAX_ID_LENGTH, storable } from '../../http/storable.js';

/** Most products in one basket, and the highest price of one; 1000 × 1,000,000 fits numeric(12,2). */
export const MAX_PRODUCTS = 1000;
export const MAX_PRICE = 1_000_000;

const ID_RULE = `a non-empty string (at most ${MAX_ID_LENGTH} characters) or an integer`;

function idSchema() {
  // zod reports the failing branch of the type the input has, so each branch carries the message too.
  const wrong = `must be ${ID_RULE}`;
  return z.union([z.string().min(1, { error: wrong }).max(MAX_ID_LENGTH, { error: wrong }), z.number().int({ error: wrong })], { error: required(ID_RULE) });
}

/** A string of 1 to `max` characters, where blank counts as empty when `blank` says so. */
function text(max: number, blank = false) {
  const s = z.string({ error: required('a string') });
  return (blank ? s.regex(/\S/, { error: 'must not be empty' }) : s.min(1, { error: 'must not be empty' })).max(max, { error: `must be at most ${max} characters` });
}

/**
 * A basket id is a non-empty string or an integer (load generators often send
 * numbers). It is stored as text, so 42 and "42" are the same basket.
 */
export const BasketId = idSchema().describe('A string, or an integer (stored as its text: 42 and "42" are one basket)');

const PRODUCT_EXAMPLE = '{"id": "p1", "name": "an apple", "price": 0.5}';

export const Product = z.object(
  {
    id: idSchema().describe('Product id, a string or an integer'),
    name: text(200).describe('Matched to the catalog case-insensitively, e.g. "an apple" is Fruit'),
    price: z
      .number({ error: required('a number') })
      .min(0, { error: 'must be at least 0' })
      .max(MAX_PRICE, { error: `must be at most ${MAX_PRICE}` })
      .describe('Unit price, ≥ 0'),
  },
  { error: `must be an object like ${PRODUCT_EXAMPLE}` },
);

// Storable: the worker stores every string of it in text and jsonb columns.
export const Basket = storable(
  z.object(
    {
      id: BasketId,
      store: text(200, true),
      date: text(100).describe('As the client gives it, e.g. 2024-01-31'),
      products: z
        .array(Product, { error: required(`an array of products like [${PRODUCT_EXAMPLE}]`) })
        .min(1, { error: 'must hold at least one product' })
        .max(MAX_PRODUCTS, { error: `must hold at most ${MAX_PRODUCTS} products` }),
    },
    { error: `must be a JSON object like {"id": 1, "store": "Brussels", "date": "2024-01-31", "products": [${PRODUCT_EXAMPLE}]}` },
  ),
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

export const LookupRequest = z.object(
  {
    ids: z
      .array(BasketId, { error: required('an array of basket ids') })
      .min(1, { error: 'must hold at least one id' })
      .max(MAX_LOOKUP, { error: `must hold at most ${MAX_LOOKUP} ids` }),
  },
  { error: 'must be a JSON object like {"ids": [1, "b-2"]}' },
);

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
