// The console mounted in the product (runtime/http.ts): the five systems
// running on a real broker with PGlite, their panels, the processing graph,
// dead letters and their replay, and a stress run of the baskets system
// against the server's own address. One system for the whole file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually, startTestSystem, type TestSystem } from '../../helpers/system.js';
import { generateEvent } from '../../../src/services/sessions/generate.js';
import { openSse } from './sse.js';

describe('console API in the product: panels, graph, dead letters, stress', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ env: { BASKETS_PARTITIONS: '2' } });
  });
  after(async () => {
    await system?.close();
  });
  const get = async (path: string) => {
    const res = await api(system.url, 'GET', `/api/console${path}`);
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  test('GET / keeps its JSON index for clients; the overview lists the five systems and the database', async () => {
    const index = await api(system.url, 'GET', '/');
    assert.equal(index.body.name, 'Tributary');
    assert.equal(index.body.links.docs, '/docs');
    assert.equal(index.body.links.console, '/console');
    const overview = await get('/overview');
    assert.deepEqual(overview.systems.map((s: { name: string }) => s.name), ['players', 'state', 'activity', 'sessions', 'baskets']);
    assert.deepEqual(overview.health.database, { ok: true, text: 'ok (pglite)' });
    const metrics = await (await fetch(`${system.url}/metrics`)).text();
    assert.match(metrics, /^tributary_console_live_streams 0$/m);
    assert.match(metrics, /^tributary_console_live_events_total \d+$/m);
  });

  test('players panel: 5 players produced through the API are the last 5 shown', async () => {
    const created = await api(system.url, 'POST', '/api/soccer_players', { count: 5 });
    assert.equal(created.status, 201);
    const panel = await get('/systems/players?limit=5');
    assert.equal(panel.topic, 'soccer_players');
    assert.equal(panel.players.length, 5);
    const names = new Set(created.body.map((p: { name: string }) => p.name));
    assert.ok(panel.players.every((p: { player: { name: string } }) => names.has(p.player.name)), JSON.stringify(panel.players));
  });

  test('state panel: a state sent from the console shows on its live twin', async () => {
    const stream = await openSse(`${system.url}/api/console/live/systems/state`);
    try {
      const first = await stream.next();
      assert.equal(first.data.topic, 'state');
      const sent = await api(system.url, 'POST', '/api/console/systems/state', { state: 42, text: 'from the console' });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const second = await stream.next();
      assert.equal(second.data.state, 42);
      assert.equal(second.data.message.text, 'from the console');
    } finally {
      stream.close();
    }
    const bad = await api(system.url, 'POST', '/api/console/systems/state', { state: 'x' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.field, 'body.state');
  });

  test('activity panel: the requests made so far are counted per endpoint', async () => {
    await api(system.url, 'GET', '/users');
    const panel = await eventually(async () => {
      const p = await get('/systems/activity');
      return p.totals.some((t: { endpoint: string }) => t.endpoint === '/users') && p;
    }, 'GET /users to be counted');
    assert.ok(panel.byClient.length >= 1);
  });

  test('sessions panel: users summarized from input_topic, filtered by q', async () => {
    for (const user of ['alice-1', 'bob-2']) {
      const res = await api(system.url, 'POST', '/api/console/topics/input_topic/messages', { key: user, value: JSON.stringify(generateEvent(user, 'v1')) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    await eventually(async () => (await get('/systems/sessions')).total >= 2, 'both users to be summarized');
    const filtered = await get('/systems/sessions?q=ALICE');
    assert.deepEqual(filtered.summaries.map((s: { userId: string }) => s.userId), ['alice-1']);
    assert.equal(filtered.matched, 1);
  });

  test('baskets panel: a posted basket shows in the category shares and per store', async () => {
    const res = await api(system.url, 'POST', '/data', { id: 'console-1', store: 'Ghent', date: '2026-01-01', products: [{ id: 'p1', name: 'apple', price: 2.5 }] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const panel = await eventually(async () => {
      const p = await get('/systems/baskets');
      return p.baskets >= 1 && p;
    }, 'the basket to be stored');
    assert.ok(panel.categoryShare.Fruit > 0, JSON.stringify(panel));
    assert.ok('Ghent' in panel.averageTotalByStore);
  });

  test('graph: each system as its app declares it, agents with their group lag', async () => {
    const graph = await get('/graph');
    const baskets = graph.systems.find((s: { name: string }) => s.name === 'baskets');
    const agent = baskets.nodes.find((n: { kind: string }) => n.kind === 'agent');
    assert.equal(agent.name, 'enrich-baskets');
    assert.equal(typeof agent.lag, 'number');
    assert.ok(baskets.edges.some((e: { from: string; to: string; kind: string }) => e.from === 'topic:delhaize_shop' && e.to === agent.id && e.kind === 'reads'));
    assert.ok(baskets.edges.some((e: { kind: string; to: string }) => e.kind === 'dead-letters' && e.to === 'topic:delhaize_shop.dlq'));
  });

  test('a poisoned basket shows in its dead-letter topic with the error; replaying it sends it back to the source', async () => {
    const poisoned = await api(system.url, 'POST', '/api/console/topics/delhaize_shop/messages', { key: 'poison', value: 'not json at all' });
    assert.equal(poisoned.status, 201);
    const page = await eventually(async () => {
      const p = await get('/dead-letters/delhaize_shop.dlq/messages');
      return p.count >= 1 && p;
    }, 'the poisoned basket to be dead-lettered');
    const letter = page.messages[0];
    assert.equal(page.source, 'delhaize_shop');
    assert.equal(letter.errorType, 'DeserializationError');
    assert.ok(letter.error);
    assert.deepEqual(letter.source, { topic: 'delhaize_shop', partition: poisoned.body.partition, offset: poisoned.body.offset });
    const overview = await get('/overview');
    assert.ok(overview.deadLetters.some((d: { topic: string; count: number }) => d.topic === 'delhaize_shop.dlq' && d.count >= 1));

    const replayed = await api(system.url, 'POST', '/api/console/dead-letters/delhaize_shop.dlq/replay', { partition: letter.partition, offset: letter.offset });
    assert.equal(replayed.status, 200, JSON.stringify(replayed.body));
    assert.deepEqual(replayed.body, { replayed: 1, skipped: 0 });
    // Same key, same partition: the replayed record comes after the poisoned one.
    const back = await get(`/topics/delhaize_shop/messages?partition=${poisoned.body.partition}&from=offset&offset=${poisoned.body.offset + 1}&key=poison`);
    assert.equal(back.messages[0]?.value.value, 'not json at all');
    assert.ok(!Object.keys(back.messages[0].headers).some((h) => h.startsWith('tributary.')), 'the DLQ headers are not sent back');

    // The replayed letter fails again: a second letter. With one record lacking the DLQ headers, replay all.
    await eventually(async () => (await get('/dead-letters/delhaize_shop.dlq/messages')).count >= 2, 'the replayed letter to fail again');
    const plain = await api(system.url, 'POST', '/api/console/topics/delhaize_shop.dlq/messages', { key: 'x', value: 'no headers' });
    assert.equal(plain.status, 201);
    const all = await api(system.url, 'POST', '/api/console/dead-letters/delhaize_shop.dlq/replay', {});
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(all.body, { replayed: 2, skipped: 1 });

    const notDlq = await api(system.url, 'GET', '/api/console/dead-letters/delhaize_shop/messages');
    assert.equal(notDlq.status, 404);
    const badOffset = await api(system.url, 'POST', '/api/console/dead-letters/delhaize_shop.dlq/replay', { partition: 0, offset: 99_999 });
    assert.equal(badOffset.status, 404);
    assert.equal(badOffset.body.field, 'body.offset');
  });

  test('stress run: 30 baskets against the server itself, live counts, then a result with nothing lost', async () => {
    const started = await api(system.url, 'POST', '/api/console/systems/baskets/stress', { count: 30, concurrency: 4 });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.running, true);
    const again = await api(system.url, 'POST', '/api/console/systems/baskets/stress', { count: 5 });
    assert.ok(again.status === 409 || again.status === 202, `a second run while one goes: ${again.status}`);
    const done = await eventually(async () => {
      const v = await get('/systems/baskets/stress');
      return !v.running && v;
    }, 'the stress run to finish', 60_000);
    assert.equal(done.error, null);
    assert.equal(done.posted, done.count);
    assert.equal(done.acknowledged, done.count);
    assert.equal(done.stored, done.count);
    assert.equal(done.result.lost, 0);
    assert.equal(done.result.failed, 0);
    assert.ok(done.result.ratePerSec > 0);
    assert.ok(done.result.latencyMs.p99 >= done.result.latencyMs.p50);
  });
});
