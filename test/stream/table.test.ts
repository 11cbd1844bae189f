// Tables through the real broker: restored from the changelog after a restart,
// rebuilt correctly after a crash (at-least-once, idempotent updates), and
// following their partitions when a second instance joins the group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../src/stream/testing.js';
import type { App } from '../../src/stream/app.js';

const Visit = z.object({ user: z.string(), at: z.number().int() });
const Seen = z.object({ first: z.number(), last: z.number() });
type Seen = z.infer<typeof Seen>;

/** The sessions-style aggregation: first/last time per user (idempotent under replay). */
function declare(app: App, options: { exactlyOnce?: boolean } = {}) {
  const visits = app.topic('visits', { schema: Visit, partitions: 4 });
  const summaries = app.topic('summaries', { schema: Seen.extend({ user: z.string() }), partitions: 4 });
  const seen = app.table('seen', { value: Seen });
  const agent = app.agent(
    visits,
    (e, ctx) => {
      const before = seen.get(e.value.user);
      const next = before ? { first: Math.min(before.first, e.value.at), last: Math.max(before.last, e.value.at) } : { first: e.value.at, last: e.value.at };
      seen.set(e.value.user, next);
      ctx.send(summaries, { user: e.value.user, ...next }, { key: e.value.user });
    },
    { tables: [seen], outputs: [summaries], concurrency: 4, exactlyOnce: options.exactlyOnce },
  );
  return { visits, summaries, seen, agent };
}

const users = 40;
function input(n: number) {
  return Array.from({ length: n }, (_, i) => ({ key: `u${i % users}`, value: { user: `u${i % users}`, at: 1_000_000 + ((i * 7919) % 100_000) } }));
}

function expected(n: number): Record<string, Seen> {
  const out: Record<string, Seen> = {};
  for (const { value } of input(n)) {
    const b = out[value.user];
    out[value.user] = b ? { first: Math.min(b.first, value.at), last: Math.max(b.last, value.at) } : { first: value.at, last: value.at };
  }
  return out;
}

async function allRestored(t: TestApp, app: App, table: ReturnType<typeof declare>['seen']) {
  const agent = app.agents[0]!;
  await t.waitFor(() => agent.assignment.length > 0 && agent.assignment.every((p) => table.isRestored(p)), 20_000, 'table restored');
}

test('a table restored from its changelog after a restart equals the table before', async () => {
  const t = await createTestApp();
  try {
    const first = declare(t.app);
    await t.app.start();
    await t.produce(first.visits, input(400));
    await t.waitFor(() => first.agent.stats.processed === 400, 20_000, '400 processed');
    const before = first.seen.toObject();
    assert.deepEqual(before, expected(400));
    await t.app.stop();

    const app2 = t.newApp();
    const second = declare(app2);
    await app2.start();
    await allRestored(t, app2, second.seen);
    assert.deepEqual(second.seen.toObject(), before);
    assert.ok(second.seen.restoredRecords >= users);
    assert.equal(second.agent.stats.processed, 0, 'nothing re-processed: offsets were committed');
    await app2.stop();
  } finally {
    await t.close();
  }
});

test('killed mid-stream without committing, then restarted: every input processed, the same table', async () => {
  const t = await createTestApp();
  try {
    const first = declare(t.app);
    await t.app.start();
    await t.produce(first.visits, input(2000));
    await t.waitFor(() => first.agent.stats.processed >= 500, 20_000, '500 processed');
    await t.app.abort();

    const app2 = t.newApp();
    const second = declare(app2);
    await app2.start();
    await t.waitFor(() => {
      const o = second.seen.toObject();
      return Object.keys(o).length === users && JSON.stringify(sorted(o)) === JSON.stringify(sorted(expected(2000)));
    }, 30_000, 'table complete after restart');
    assert.deepEqual(sorted(second.seen.toObject()), sorted(expected(2000)));
    await app2.stop();
  } finally {
    await t.close();
  }
});

test('exactly-once: killed mid-stream and restarted, no output record is duplicated', async () => {
  const t = await createTestApp();
  try {
    const first = declare(t.app, { exactlyOnce: true });
    await t.app.start();
    await t.produce(first.visits, input(1000));
    await t.waitFor(() => first.agent.stats.processed >= 300, 20_000, '300 processed');
    await t.app.abort();

    const app2 = t.newApp({ instanceId: t.app.instanceId });
    const second = declare(app2, { exactlyOnce: true });
    await app2.start();
    await t.waitFor(() => second.agent.stats.processed > 0 && Object.keys(second.seen.toObject()).length === users, 30_000, 'restarted agent caught up');
    await t.waitFor(() => JSON.stringify(sorted(second.seen.toObject())) === JSON.stringify(sorted(expected(1000))), 30_000, 'table complete');
    await app2.stop();
    const committed = await t.committedRecords(second.summaries);
    assert.equal(committed.length, 1000, 'one committed output per input, none duplicated');
  } finally {
    await t.close();
  }
});

test('two instances split the partitions and the table follows its partitions', async () => {
  const t = await createTestApp();
  try {
    const a = declare(t.app);
    await t.app.start();
    await t.produce(a.visits, input(400));
    await t.waitFor(() => a.agent.stats.processed === 400, 20_000, '400 processed');
    assert.equal(a.agent.assignment.length, 4);

    const app2 = t.newApp();
    const b = declare(app2);
    await app2.start();
    await t.waitFor(() => a.agent.assignment.length === 2 && b.agent.assignment.length === 2, 30_000, 'partitions split 2/2');
    await allRestored(t, app2, b.seen);
    // Each instance holds exactly the users of its own partitions; together, all of them.
    const union = { ...a.seen.toObject(), ...b.seen.toObject() };
    assert.equal(a.seen.size + b.seen.size, users);
    assert.deepEqual(sorted(union), sorted(expected(400)));
    await app2.stop();
    // b left: a gets every partition back and restores b's share.
    await t.waitFor(() => a.agent.assignment.length === 4, 30_000, 'partitions back to a');
    await allRestored(t, t.app, a.seen);
    assert.deepEqual(sorted(a.seen.toObject()), sorted(expected(400)));
  } finally {
    await t.close();
  }
});

function sorted<T>(o: Record<string, T>): [string, T][] {
  return Object.entries(o).sort(([x], [y]) => x.localeCompare(y));
}

test('a hot key updated by every message of a batch costs one changelog record per batch, and restores to its last value', async () => {
  const t = await createTestApp();
  try {
    const hits = t.app.topic('hits', { schema: z.object({ n: z.number().int() }), partitions: 1 });
    const count = t.app.table('count', { value: z.number().int() });
    const agent = t.app.agent(hits, () => count.set('all', (count.get('all') ?? 0) + 1), { tables: [count] });
    // The input is there before the agent starts, so it arrives in big fetches.
    await t.app.createTopics();
    await t.produce(hits, Array.from({ length: 2000 }, (_, n) => ({ value: { n } })));
    await t.app.start();
    await t.waitFor(() => agent.stats.processed === 2000, 20_000, '2000 processed');
    await t.app.stop();
    const changelog = t.records(count.changelog);
    assert.ok(changelog.length < 2000 / 10, `${changelog.length} changelog records for 2000 updates of one key`);
    assert.equal(changelog.at(-1)!.value, 2000, 'the last record carries the last value');
    const again = t.newApp();
    const count2 = again.table('count', { value: z.number().int() });
    const agent2 = again.agent(again.topic('hits', { schema: z.object({ n: z.number().int() }), partitions: 1 }), () => {}, { tables: [count2] });
    await again.start();
    await t.waitFor(() => agent2.assignment.length === 1 && count2.isRestored(0), 20_000, 'table restored');
    assert.equal(count2.get('all'), 2000);
    await again.stop();
  } finally {
    await t.close();
  }
});
