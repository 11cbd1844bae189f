// The baskets worker's processing: each basket read from delhaize_shop is
// enriched (catalog.ts) and upserted by id, so a re-delivered basket replaces
// itself instead of counting twice. The agent is a batch agent: the baskets
// waiting on a partition come in one call, and the calls of all partitions in
// flight go to the database together as one multi-row upsert (coalescer.ts).
// The record's timestamp, set by the API when it received the basket, becomes
// received_at; the database sets processed_at, so the end-to-end latency of
// every basket can be read from its row.
import { DatabaseUnavailableError, isDatabaseUnavailable, type Database } from '../../db/index.js';
import { upsertBaskets, type BasketInput } from '../../db/queries/baskets.js';
import type { AgentEvent } from '../../stream/agent.js';
import { enrichBasket } from './catalog.js';
import { Coalescer } from './coalescer.js';
import type { Basket } from './schemas.js';

export interface BasketWriter {
  write(basket: BasketInput): Promise<void>;
  readonly stats: { batches: number; items: number };
}

/** A writer that batches concurrent upserts; one batch at a time on PGlite (one connection), a few on PostgreSQL. */
export function basketWriter(database: Database): BasketWriter {
  return new Coalescer<BasketInput>(
    async (baskets) => {
      await upsertBaskets(database.db, baskets);
    },
    { maxBatch: 500, maxInFlight: database.kind === 'pglite' ? 1 : 4 },
  );
}

/** The row a basket record becomes. */
export function toBasketInput(event: Pick<AgentEvent<Basket, string>, 'value' | 'timestamp'>): BasketInput {
  const enriched = enrichBasket(event.value);
  // A producer that sets no timestamp leaves -1: then received_at is the time of storing.
  const ms = Number(event.timestamp);
  return { ...enriched, received_at: ms > 0 ? new Date(ms) : undefined };
}

/**
 * A basket the API accepted is storable, so a write fails only when the database
 * is away: that error is marked as such (DatabaseUnavailableError), and if it
 * outlasts the agent's retries the dead letter says `database unavailable`, with
 * the attempts.
 */
export function basketHandler(writer: () => BasketWriter | Promise<BasketWriter>): (event: AgentEvent<Basket, string>) => Promise<void> {
  const batch = basketBatchHandler(writer);
  return (event) => batch([event]);
}

/** The same for a batch agent: the baskets of one call are written together. */
export function basketBatchHandler(writer: () => BasketWriter | Promise<BasketWriter>): (events: AgentEvent<Basket, string>[]) => Promise<void> {
  return async (events) => {
    try {
      const w = await writer();
      await Promise.all(events.map((e) => w.write(toBasketInput(e))));
    } catch (err) {
      throw isDatabaseUnavailable(err) ? new DatabaseUnavailableError(err) : err;
    }
  };
}
