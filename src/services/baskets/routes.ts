// The HTTP side of system 5: POST /data puts a validated basket on
// delhaize_shop and answers only once the broker has acknowledged it (acks=all);
// GET /analytics reads the aggregates kept per store and category; GET /baskets/:id and POST
// /baskets/lookup say which baskets the database holds, exactly, so `tributary
// stress` can tell what was lost and measure end-to-end latency; GET
// /baskets/count?prefix= is its cheap progress check while it waits (without a
// prefix it counts every basket).
import { writeCount, type Database } from '../../db/index.js';
import { basketAnalytics, countBaskets, countBasketsWithPrefix, getBasket, lookupBaskets } from '../../db/queries/baskets.js';
import { HttpError } from '../../http/errors.js';
import { MAX_ID_LENGTH } from '../../http/storable.js';
import { bodyErrors, ErrorResponse } from '../../http/schemas.js';
import type { HttpServer } from '../../http/server.js';
import type { App } from '../../stream/app.js';
import type { Topic } from '../../stream/topic.js';
import { z } from 'zod';
import { sharedRead } from './shared-read.js';
import { Analytics, Basket, LookupRequest, LookupResponse, Ok, StoredBasket } from './schemas.js';

export interface BasketRoutesDeps {
  app: App;
  topic: Topic<Basket, string>;
  database(): Promise<Database>;
}

const tags = ['baskets'];

export function basketRoutes(http: HttpServer, deps: BasketRoutesDeps): void {
  const { app, topic } = deps;
  // Concurrent requests share one read of the aggregates (shared-read.ts), and
  // its answer, checked against the schema and serialised once for all of them.
  const read = sharedRead(async () => JSON.stringify(Analytics.parse(await basketAnalytics((await deps.database()).db))));
  // On PGlite that answer is kept until the next write to the database (db/writes.ts):
  // between writes a request reads nothing. On PostgreSQL other processes write: each turn reads.
  let kept: { writes: number; answer: Promise<string> } | undefined;
  const analytics = async (): Promise<string> => {
    const database = await deps.database();
    if (database.kind !== 'pglite') return read();
    const writes = writeCount(); // before the read starts: a write during it makes the answer one to read again
    if (kept?.writes === writes) return kept.answer;
    const answer = read();
    kept = { writes, answer };
    answer.catch(() => {
      if (kept?.answer === answer) kept = undefined;
    });
    return answer;
  };

  http.post(
    '/data',
    {
      schema: {
        tags,
        summary: 'Send a basket: answered once it is on delhaize_shop (acks=all), keyed by its id',
        body: Basket,
        response: { 200: Ok, ...bodyErrors },
      },
    },
    async (request) => {
      const basket = request.body;
      // The record timestamp is when the API received the basket: the worker stores it as received_at.
      // The body schema is the topic's (Basket): checked once, by the route.
      await app.send(topic, [{ key: String(basket.id), value: basket, timestamp: BigInt(Date.now()) }], { validated: true });
      return { status: 'ok' as const };
    },
  );

  http.get(
    '/analytics',
    { schema: { tags, summary: 'Share of products per category, average basket total, average total per store', response: { 200: Analytics } } },
    // A string body is sent as it is (the type provider types the object it stands for):
    // the shared answer is already the schema's JSON.
    async (_request, reply) => reply.type('application/json; charset=utf-8').send((await analytics()) as never),
  );

  http.get(
    '/baskets/:id',
    {
      schema: {
        tags,
        summary: 'A stored (enriched) basket',
        params: z.object({ id: z.string().min(1, { error: 'must not be empty' }).max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` }) }),
        response: { 200: StoredBasket, 404: ErrorResponse },
      },
    },
    async (request) => {
      const b = await getBasket((await deps.database()).db, request.params.id);
      if (!b) throw new HttpError(404, `no basket ${request.params.id} is stored`, 'params.id');
      return {
        id: b.id,
        store: b.store,
        date: b.date,
        total_price: b.totalPrice,
        products: b.products,
        received_at: b.receivedAt.toISOString(),
        processed_at: b.processedAt?.toISOString() ?? null,
      };
    },
  );

  http.get(
    '/baskets/count',
    {
      schema: {
        tags,
        summary: 'How many baskets are stored, or how many have an id starting with `prefix` (a cheap progress check for one stress run)',
        querystring: z.object({
          prefix: z
            .string()
            .max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` })
            .optional()
            .describe('Count only the ids starting with it; without it (or empty) every basket counts'),
        }),
        response: { 200: z.object({ count: z.number().int() }), 422: ErrorResponse },
      },
    },
    async (request) => {
      const { db } = await deps.database();
      const prefix = request.query.prefix;
      return { count: prefix ? await countBasketsWithPrefix(db, prefix) : await countBaskets(db) };
    },
  );

  http.post(
    '/baskets/lookup',
    {
      // A POST only because a thousand ids do not fit a URL: it reads, and RATE_LIMIT leaves it alone.
      config: { readOnly: true },
      schema: {
        tags,
        summary: 'Which of these basket ids are stored, with their totals, categories and timestamps',
        body: LookupRequest,
        response: { 200: LookupResponse, ...bodyErrors },
      },
    },
    async (request): Promise<LookupResponse> => {
      const ids = request.body.ids.map(String);
      const rows = await lookupBaskets((await deps.database()).db, ids);
      const held = new Set(rows.map((r) => r.id));
      return {
        found: rows.map((r) => ({
          id: r.id,
          total_price: r.totalPrice,
          categories: r.categories,
          received_at: r.receivedAt.toISOString(),
          processed_at: r.processedAt?.toISOString() ?? null,
        })),
        missing: [...new Set(ids.filter((id) => !held.has(id)))],
      };
    },
  );
}
