// HTTP fuzzing of every route, generated from the OpenAPI document the server
// serves (test/faults/openapi-arbitrary.ts): valid and invalid bodies, path
// parameters, query strings, methods and unknown paths, through inject()
// against the five real services on the embedded broker and PGlite. Checks: no
// answer is >= 500, no promise is left rejected unhandled, and every 2xx write
// is stored or served back unchanged: a created user is GET /users/:id as
// answered, an acknowledged basket is stored by the worker (found by
// /baskets/lookup, waited for by polling) with its products, categories and total.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { enrichBasket, type BasketIn, type EnrichedBasket } from '../../src/services/baskets/catalog.js';
import { MAX_LOOKUP } from '../../src/services/baskets/schemas.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';
import { fuzzRequest, operations, type FuzzRequest } from './openapi-arbitrary.js';
import { report, scaled } from './setting.js';

const REQUESTS = scaled(300, 5000);

interface CreatedUser {
  id: string;
  name: string;
  email: string;
  createdAt: string;
}

describe('HTTP fuzzing of every route', () => {
  let system: TestSystem;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  before(async () => {
    process.on('unhandledRejection', onRejection);
    system = await startTestSystem({ services: ['players', 'state', 'activity', 'sessions', 'baskets'] });
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await system?.close();
  });

  test(`${REQUESTS} generated requests: no 5xx, no unhandled rejection, every 2xx write kept as answered`, async () => {
    const http = system.http!;
    const doc = (await http.inject({ method: 'GET', url: '/docs/json' })).json();
    // The console's API administers the cluster (deleting topics, resetting groups, replaying
    // dead letters) and streams without end (its live twins): tested on its own in test/web/api.
    const ops = operations(doc).filter((op) => !op.path.startsWith('/api/console/'));
    assert.ok(ops.length >= 15, `operations in /docs/json: ${ops.length}`);

    const byClass: Record<string, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
    const byKind: Record<string, number> = {};
    const serverErrors: string[] = [];
    const baskets = new Map<string, EnrichedBasket>();
    const users: CreatedUser[] = [];
    let players = 0;
    let sent = 0;
    const started = performance.now();

    const send = async (r: FuzzRequest) => {
      const body = r.body && 'json' in r.body ? JSON.stringify(r.body.json) : r.body?.raw;
      const contentType = r.body ? ('json' in r.body ? 'application/json' : r.body.contentType) : undefined;
      const res = await http.inject({ method: r.method as 'GET', url: r.url, payload: body, headers: contentType ? { 'content-type': contentType } : {} });
      sent++;
      byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
      byClass[`${Math.floor(res.statusCode / 100)}xx`] = (byClass[`${Math.floor(res.statusCode / 100)}xx`] ?? 0) + 1;
      const what = `${r.method} ${r.url.slice(0, 200)} ${body?.slice(0, 300) ?? ''} → ${res.statusCode} ${res.body.slice(0, 300)}`;
      if (res.statusCode >= 500) serverErrors.push(what);
      if (res.statusCode < 200 || res.statusCode >= 300 || r.op?.method !== 'POST' || !r.body || !('json' in r.body)) return res.statusCode;
      // A 2xx write: remember what it promised.
      const sentJson = r.body.json as Record<string, unknown>;
      if (r.op.path === '/data') {
        const basket = sentJson as unknown as BasketIn;
        baskets.set(String(basket.id), enrichBasket(basket));
      } else if (r.op.path === '/users') {
        const user = res.json() as CreatedUser;
        assert.equal(user.name, (sentJson.name as string).trim(), what);
        assert.equal(user.email, sentJson.email, what);
        users.push(user);
      } else if (r.op.path === '/api/soccer_players') {
        const answered = res.json() as unknown[];
        assert.equal(answered.length, sentJson.count, what);
        players += answered.length;
      }
      return res.statusCode;
    };

    await fc.assert(
      fc.asyncProperty(fuzzRequest(ops), async (r) => {
        const status = await send(r);
        return status < 500;
      }),
      { numRuns: REQUESTS, endOnFailure: true },
    );
    const requestSeconds = (performance.now() - started) / 1000;

    // Every created user is served back as it was answered.
    for (const u of users) {
      const got = await http.inject({ method: 'GET', url: `/users/${u.id}` });
      assert.equal(got.statusCode, 200, got.body);
      assert.deepEqual(got.json(), u);
    }
    // Every acknowledged basket is stored by the worker, as its last acknowledged version.
    const ids = [...baskets.keys()];
    const mismatch = async (): Promise<string | undefined> => {
      for (let i = 0; i < ids.length; i += MAX_LOOKUP) {
        const res = await http.inject({ method: 'POST', url: '/baskets/lookup', payload: { ids: ids.slice(i, i + MAX_LOOKUP) } });
        const { found, missing } = res.json() as { found: { id: string; total_price: number; categories: string[] }[]; missing: string[] };
        if (missing.length > 0) return `${missing.length} baskets not stored yet, e.g. ${JSON.stringify(missing[0])}`;
        for (const f of found) {
          const want = baskets.get(f.id)!;
          if (f.total_price !== want.total_price || f.categories.join('|') !== want.products.map((p) => p.category).join('|')) return `basket ${JSON.stringify(f.id)} stored as ${JSON.stringify(f)}, expected ${JSON.stringify(want)}`;
        }
      }
      return undefined;
    };
    let last: string | undefined;
    await eventually(async () => {
      last = await mismatch();
      return last === undefined;
    }, `every acknowledged basket stored as acknowledged (${ids.length})`, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
    let servedBack = 0;
    for (const [id, want] of baskets) {
      const res = await http.inject({ method: 'GET', url: `/baskets/${encodeURIComponent(id)}` });
      if (id === 'count') continue; // GET /baskets/count is the count route; lookup found it above.
      assert.equal(res.statusCode, 200, `${id}: ${res.body}`);
      const got = res.json();
      assert.deepEqual({ id: got.id, store: got.store, date: got.date, total_price: got.total_price, products: got.products }, { ...want, id });
      servedBack++;
    }

    report('http-fuzz', {
      requests: sent,
      ...Object.fromEntries(Object.entries(byClass).map(([k, v]) => [`status_${k}`, v])),
      ...Object.fromEntries(Object.entries(byKind).map(([k, v]) => [`kind_${k}`, v])),
      responses_5xx: serverErrors.length,
      unhandled_rejections: rejections.length,
      users_created_and_served_back: users.length,
      baskets_acknowledged_and_stored: baskets.size,
      baskets_served_back: servedBack,
      players_generated: players,
      seconds: requestSeconds.toFixed(1),
    });
    assert.deepEqual(serverErrors, [], 'no response >= 500');
    assert.deepEqual(rejections, [], 'no unhandled rejection');
    assert.ok(byClass['2xx']! > REQUESTS / 10, `enough 2xx answers to check what was kept: ${byClass['2xx']}`);
  });
});
