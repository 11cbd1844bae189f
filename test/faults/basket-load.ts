// The crash suites' load and bookkeeping: clients post baskets with unique ids
// without pause, each acknowledged one is remembered with what the worker must
// store for it (categories, total_price), a kill waits for an acknowledgement
// count (so it lands while requests are in flight), and the final check says
// which acknowledged baskets were lost, stored wrong, or counted twice.
import type { BasketArrival } from '../../src/db/index.js';
import type { EnrichedBasket } from '../../src/services/baskets/catalog.js';
import { randomBasket } from '../../src/services/baskets/stress/baskets.js';
import type { Basket } from '../../src/services/baskets/schemas.js';
import { seeded } from '../helpers/seeded.js';

/** Sends one basket; true when the API answered 2xx (acknowledged), false or a throw otherwise. */
export type Post = (basket: Basket) => Promise<boolean>;

export class BasketLoad {
  readonly acked = new Map<string, EnrichedBasket>();
  failed = 0;
  private next = 0;
  private running = true;
  private readonly waiters: { n: number; resolve: () => void }[] = [];
  private readonly clients: Promise<void>[];
  private readonly random = seeded(2024);

  constructor(
    private readonly prefix: string,
    private post: Post,
    clients = 8,
    /** Pause of each client between requests: keeps the load from starving the processes under test of CPU. */
    private readonly paceMs = 0,
  ) {
    this.clients = Array.from({ length: clients }, () => this.client());
  }

  /** Where the next requests go (a restarted API has a new address). */
  retarget(post: Post): void {
    this.post = post;
  }

  /** Resolves once `n` baskets in all have been acknowledged. */
  whenAcked(n: number): Promise<void> {
    if (this.acked.size >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.clients);
  }

  private async client(): Promise<void> {
    while (this.running) {
      const id = `${this.prefix}-${this.next++}`;
      const { basket, expected } = randomBasket(id, this.random);
      let ok = false;
      try {
        ok = await this.post(basket);
      } catch {
        ok = false;
      }
      if (!ok) {
        this.failed++;
        // The API is down (killed): do not spin on refused connections while it restarts.
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      this.acked.set(id, expected);
      if (this.paceMs > 0) await new Promise((r) => setTimeout(r, this.paceMs));
      for (const w of this.waiters.filter((w) => this.acked.size >= w.n)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}

export interface Verdict {
  acknowledged: number;
  stored: number;
  lost: number;
  /** Stored with other categories or total than the worker must give. */
  wrong: number;
  examples: string[];
}

/** Compares what is stored (`lookup` answers the stored ones among ids) with what was acknowledged. */
export async function verdict(acked: Map<string, EnrichedBasket>, lookup: (ids: string[]) => Promise<BasketArrival[]>): Promise<Verdict> {
  const ids = [...acked.keys()];
  const found = new Map<string, BasketArrival>();
  for (let i = 0; i < ids.length; i += 1000) for (const r of await lookup(ids.slice(i, i + 1000))) found.set(r.id, r);
  const examples: string[] = [];
  let lost = 0;
  let wrong = 0;
  for (const [id, expected] of acked) {
    const got = found.get(id);
    if (!got) {
      lost++;
      if (examples.length < 5) examples.push(`${id} lost`);
      continue;
    }
    const categories = expected.products.map((p) => p.category).join(',');
    if (got.totalPrice !== expected.total_price || got.categories.join(',') !== categories) {
      wrong++;
      if (examples.length < 5) examples.push(`${id}: ${got.totalPrice} [${got.categories}] vs ${expected.total_price} [${categories}]`);
    }
  }
  return { acknowledged: acked.size, stored: found.size, lost, wrong, examples };
}
