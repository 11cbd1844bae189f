// The product catalog of system 5 and the enrichment the worker applies to a
// basket: a category per product and the basket's total price. Pure functions
// (no I/O), so the rules are unit-tested on their own and shared by the worker
// and `tributary stress` (which checks what the database holds against them).

/** Category → the product names in it (lower case, singular). */
export const CATALOG: Readonly<Record<string, readonly string[]>> = {
  Fruit: ['apple', 'banana', 'orange', 'pear', 'kiwi'],
  Bakery: ['bread', 'croissant', 'baguette', 'cake'],
  Drink: ['water', 'soda', 'beer', 'wine'],
};

/** The category of anything the catalog does not know. */
export const OTHER = 'Other';

const byName = new Map<string, string>(Object.entries(CATALOG).flatMap(([category, names]) => names.map((n) => [n, category] as const)));

/**
 * The category of a product name: matched case-insensitively, ignoring
 * surrounding and repeated spaces and a leading article ("an apple", "The
 * Bread"), and a plural "s" ("pears"); anything else is Other. The plural rule
 * only applies when the name itself is unknown, so it can never turn one
 * catalog name into another.
 */
export function categorize(name: string): string {
  const words = name.trim().toLowerCase().split(/\s+/);
  if (words.length > 1 && (words[0] === 'a' || words[0] === 'an' || words[0] === 'the')) words.shift();
  const key = words.join(' ');
  const exact = byName.get(key);
  if (exact) return exact;
  if (key.length > 1 && key.endsWith('s')) return byName.get(key.slice(0, -1)) ?? OTHER;
  return OTHER;
}

export interface ProductIn {
  id: string | number;
  name: string;
  price: number;
}

export interface BasketIn {
  id: string | number;
  store: string;
  date: string;
  products: ProductIn[];
}

export interface EnrichedProduct {
  /** Product ids are stored as text, like basket ids. */
  id: string;
  name: string;
  price: number;
  category: string;
}

export interface EnrichedBasket {
  id: string | number;
  store: string;
  date: string;
  products: EnrichedProduct[];
  total_price: number;
}

/** Money is summed in millionths (integers): exact for prices with up to 6 decimals. */
const MICROS = 1_000_000;

/**
 * The sum of the prices rounded to cents (half up), computed in integers so
 * 0.1 + 0.2 is 0.30 and a thousand 0.01s are 10.00, not 9.999999999999831.
 */
export function totalPrice(prices: readonly number[]): number {
  let micros = 0;
  for (const p of prices) micros += Math.round(p * MICROS);
  const cents = Math.round(micros / (MICROS / 100));
  return cents / 100;
}

/** The basket as the worker stores it: each product with its category, plus total_price. */
export function enrichBasket(basket: BasketIn): EnrichedBasket {
  const products = basket.products.map((p) => ({ id: String(p.id), name: p.name, price: p.price, category: categorize(p.name) }));
  return { id: basket.id, store: basket.store, date: basket.date, products, total_price: totalPrice(products.map((p) => p.price)) };
}
