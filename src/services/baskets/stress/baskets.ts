// Random baskets for `tributary stress`: stores,
// products drawn from the catalog written in the ways clients write them ("an
// apple", "Bananas", "THE BREAD") plus products the catalog does not know, and
// prices in whole cents. Each basket comes with what the worker must make of it
// (enrichBasket), so the stress run can check every stored basket exactly.
import { CATALOG, enrichBasket, type EnrichedBasket } from '../catalog.js';
import type { Basket } from '../schemas.js';

export const STORES = ['Brussels', 'Antwerp', 'Ghent', 'Liège', 'Bruges', 'Namur', 'Leuven', 'Mons'];
const UNKNOWN = ['milk', 'cheese', 'toothpaste', 'rice', 'apple juice', 'chocolate'];
const KNOWN = Object.values(CATALOG).flat();

export type Random = () => number;

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A catalog name as a client might write it, or (1 in 8) an unknown product. */
function productName(random: Random): string {
  if (random() < 0.125) return pick(UNKNOWN, random);
  const name = pick(KNOWN, random);
  const r = random();
  if (r < 0.15) return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
  if (r < 0.25) return `THE ${name.toUpperCase()}`;
  if (r < 0.35) return `${name[0]!.toUpperCase()}${name.slice(1)}s`;
  return name;
}

export function randomBasket(id: string | number, random: Random = Math.random, date = new Date().toISOString().slice(0, 10)): { basket: Basket; expected: EnrichedBasket } {
  const count = 1 + Math.floor(random() * 6);
  const products = Array.from({ length: count }, (_, i) => ({
    id: `p${i + 1}`,
    name: productName(random),
    price: (10 + Math.floor(random() * 1990)) / 100,
  }));
  const basket: Basket = { id, store: pick(STORES, random), date, products };
  return { basket, expected: enrichBasket(basket) };
}
