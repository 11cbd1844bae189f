// The console in a real browser: Debian's Chromium (playwright-core) against one
// system started in this process (embedded broker, PGlite, every service, the API
// on port 0). Every view loads without a console error at 1280×800 and 390×844,
// with a screenshot of each in a folder printed at the start; then each panel is
// shown to follow the system live: players produced through the API and from the
// panel's form, a state message, baskets posted, a stress run started from the
// page, a poisoned record dead-lettered and replayed from the page, a group's lag
// rising and falling, and a message produced from the page's form read back by kcat. Every wait is on the page's DOM or on the broker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { categorize } from '../../../src/services/baskets/catalog.js';
import { browserSkipReason, DESKTOP, launchBrowser, openPage, PHONE, screenshot, screenshotFolder, type WatchedPage } from '../../helpers/browser.js';
import { kafkajsAdmin, readAll } from '../../helpers/kafkajs.js';
import { kcat } from '../../helpers/kcat.js';
import { api, eventually, startTestSystem, type TestSystem } from '../../helpers/system.js';

const RUN = Date.now().toString(36);
/** A topic of this test's own: the topic and messages views, and the page's produce form. */
const PRODUCE_TOPIC = `console-produce-${RUN}`;
/** A topic and a group of this test's own for the lag test (one partition: one lag figure). */
const LAG_TOPIC = `console-lag-${RUN}`;
const LAG_GROUP = `console-lag-group-${RUN}`;
const BASKETS_TOPIC = 'delhaize_shop';
const STATE_TOPIC = 'state';
/** How long the page may take to show something the system already did. */
const UI_TIMEOUT = 15_000;

const VIEWS: [view: string, path: string][] = [
  ['overview', '/console/'],
  ['topics', '/console/topics'],
  ['topic', `/console/topics/${encodeURIComponent(PRODUCE_TOPIC)}`],
  ['messages', `/console/topics/${encodeURIComponent(PRODUCE_TOPIC)}/messages`],
  ['groups', '/console/groups'],
  ['group', `/console/groups/${encodeURIComponent(LAG_GROUP)}`],
  ['graph', '/console/graph'],
  ['system-players', '/console/systems/players'],
  ['system-state', '/console/systems/state'],
  ['system-activity', '/console/systems/activity'],
  ['system-sessions', '/console/systems/sessions'],
  ['system-baskets', '/console/systems/baskets'],
];

// The functions given to page.evaluate and waitForFunction run in the page; the
// project's Node typing has no DOM, so the little of it they use is declared here.
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number } & Record<string, unknown>;

const ready = (view: string) => `[data-view="${view}"][data-ready="true"]`;

/** Opens `path` and waits for its view's first data. */
async function openView(page: Page, view: string, path: string): Promise<Locator> {
  await page.goto(path);
  const root = page.locator(ready(view));
  await root.waitFor({ timeout: UI_TIMEOUT });
  return root;
}

/** Marks the document, so a later check can tell the page was not reloaded. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => (window.__consoleTestMark = true));
}
async function assertNotReloaded(page: Page): Promise<void> {
  assert.equal(await page.evaluate(() => window.__consoleTestMark), true, 'the page was reloaded');
}

/** The text of an element as a number (the lag and state hooks hold one). */
async function numberIn(locator: Locator): Promise<number> {
  const text = (await locator.textContent())?.trim().replace(/[,\s\u202f]/g, '') ?? '';
  return text === '' ? NaN : Number(text);
}

describe('the console in Chromium', { skip: browserSkipReason() }, () => {
  let system: TestSystem;
  let browser: Browser;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let shots: string;
  const open: WatchedPage[] = [];

  const page = async (viewport: { width: number; height: number } = DESKTOP): Promise<WatchedPage> => {
    const p = await openPage(browser, { viewport, baseURL: system.url });
    open.push(p);
    return p;
  };

  before(async () => {
    // The browser first: without one (under CI) nothing else is started.
    browser = await launchBrowser();
    system = await startTestSystem({ env: { BASKETS_PARTITIONS: '4' } });
    shots = screenshotFolder('console');
    console.log(`screenshots of every view: ${shots}`);
    ({ kafka, admin } = await kafkajsAdmin(system.broker.address));
    producer = kafka.producer();
    await producer.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: PRODUCE_TOPIC, numPartitions: 2 }, { topic: LAG_TOPIC, numPartitions: 1 }] });
    // The group exists, Empty, having committed offset 0: its view has something to show from the start.
    await admin.setOffsets({ groupId: LAG_GROUP, topic: LAG_TOPIC, partitions: [{ partition: 0, offset: '0' }] });
  });

  after(async () => {
    for (const p of open) await p.close().catch(() => undefined);
    await browser?.close();
    await producer?.disconnect();
    await admin?.disconnect();
    await system?.close();
  });

  test('players produced through the API appear on the players panel without a reload', async () => {
    const p = await page();
    await openView(p.page, 'system-players', '/console/systems/players');
    await markDocument(p.page);
    const res = await api(system.url, 'POST', '/api/soccer_players', { count: 5 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const names = (res.body as { name: string }[]).map((pl) => pl.name);
    assert.equal(names.length, 5);
    await p.page.waitForFunction(
      (wanted) => {
        const rows = [...document.querySelectorAll('[data-testid="player-row"]')].map((r) => r.textContent ?? '');
        return wanted.every((name) => rows.some((row) => row.includes(name)));
      },
      names,
      { timeout: UI_TIMEOUT },
    );
    await assertNotReloaded(p.page);
    p.assertClean('players panel');
  });

  test("the players panel's form produces N players, shown as new rows", async () => {
    const p = await page();
    const root = await openView(p.page, 'system-players', '/console/systems/players');
    const rows = root.locator('[data-testid="player-row"]');
    const before = await rows.count();
    const form = root.locator('[data-testid="players-form"]');
    await form.locator('[name="count"]').fill('3');
    await form.locator('[type="submit"], button:not([type])').first().click();
    await p.page.waitForFunction((want) => document.querySelectorAll('[data-testid="player-row"]').length === want, before + 3, { timeout: UI_TIMEOUT });
    p.assertClean('players form');
  });

  test('a state message changes the state panel live', async () => {
    const p = await page();
    const root = await openView(p.page, 'system-state', '/console/systems/state');
    await markDocument(p.page);
    const value = root.locator('[data-testid="state-value"]').first();
    const before = await numberIn(value);
    const state = (Number.isFinite(before) ? before : 0) + 1000 + Math.floor(Math.random() * 1000);
    // As any producer would send it (`tributary state send` sends the same JSON).
    await producer.send({ topic: STATE_TOPIC, acks: -1, messages: [{ value: JSON.stringify({ message_id: `console-${RUN}`, text: `console test ${state}`, state }) }] });
    await p.page.waitForFunction(
      (want) => document.querySelector('[data-testid="state-value"]')?.textContent?.replace(/[,\s\u202f]/g, '') === String(want),
      state,
      { timeout: UI_TIMEOUT },
    );
    await assertNotReloaded(p.page);
    p.assertClean('state panel');
  });

  test('posting baskets updates the category chart', async () => {
    const p = await page();
    const root = await openView(p.page, 'system-baskets', '/console/systems/baskets');
    await markDocument(p.page);
    const chart = root.locator('[data-testid="category-chart"]').first();
    const valuesOf = async () => JSON.parse((await chart.getAttribute('data-values')) ?? 'null') as Record<string, number>;
    const before = await valuesOf();
    assert.equal(typeof before, 'object', 'data-values holds a JSON object');
    const storedBefore = ((await api(system.url, 'GET', '/analytics')).body as { baskets: number }).baskets;
    const categories = new Set<string>();
    for (let i = 0; i < 8; i++) {
      // Products of the catalog's three categories and one it does not know, in changing numbers.
      const names = ['apple', 'bread', 'water', ...(i % 2 ? ['kiwi', 'pear'] : []), ...(i % 3 ? [] : ['socks'])];
      for (const name of names) categories.add(categorize(name));
      const basket = { id: `console-${RUN}-${i}`, store: i % 2 ? 'Gent' : 'Leuven', date: '2026-12-04', products: names.map((name, n) => ({ id: `p${n}`, name, price: 1 + n })) };
      const res = await api(system.url, 'POST', '/data', basket);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    assert.deepEqual([...categories].sort(), ['Bakery', 'Drink', 'Fruit', 'Other']);
    // What the chart must come to show: the shares GET /analytics answers once the worker stored the baskets.
    // All eight stored: the worker takes them in batches, and the first already has every category.
    const shares = await eventually(async () => {
      const a = (await api(system.url, 'GET', '/analytics')).body as { categoryShare: Record<string, number>; baskets: number };
      return a.baskets >= storedBefore + 8 && [...categories].every((c) => (a.categoryShare[c] ?? 0) > 0) && a.categoryShare;
    }, 'the worker to store the baskets');
    await p.page.waitForFunction(
      (want) => {
        const raw = document.querySelector('[data-testid="category-chart"]')?.getAttribute('data-values');
        if (!raw) return false;
        const got = JSON.parse(raw) as Record<string, number>;
        const keys = Object.keys(want);
        return Object.keys(got).length === keys.length && keys.every((k) => Math.abs((got[k] ?? -1) - want[k]!) < 0.005);
      },
      shares,
      { timeout: UI_TIMEOUT },
    );
    assert.notDeepEqual(await valuesOf(), before, 'the chart changed');
    await assertNotReloaded(p.page);
    p.assertClean('baskets panel');
  });

  test('a stress run started from the baskets panel shows its progress and its result', async () => {
    const N = 40;
    const p = await page();
    const root = await openView(p.page, 'system-baskets', '/console/systems/baskets');
    // The count field of the form the run button submits.
    await root.locator('form:has([data-testid="stress-run"]) [name="count"]').fill(String(N));
    await root.locator('[data-testid="stress-run"]').click();
    await root.locator('[data-testid="stress-progress"]').waitFor({ timeout: UI_TIMEOUT });
    const result = root.locator('[data-testid="stress-result"]');
    await result.waitFor({ timeout: UI_TIMEOUT });
    assert.match((await result.textContent()) ?? '', /lost\s*0\b/i);
    const run = (await api(system.url, 'GET', '/api/console/systems/baskets/stress')).body as { count: number; stored: number; running: boolean; result: { lost: number } | null };
    assert.deepEqual({ count: run.count, stored: run.stored, running: run.running, lost: run.result?.lost }, { count: N, stored: N, running: false, lost: 0 });
    p.assertClean('stress run');
  });

  test('a poisoned basket shows as a dead letter on the graph, and its replay reaches delhaize_shop again', async () => {
    const key = `poison-${RUN}`;
    const poison = `{"id": "${key}", not json`;
    const [sent] = await producer.send({ topic: BASKETS_TOPIC, acks: -1, messages: [{ key, value: poison }] });
    const p = await page();
    p.page.on('dialog', (d) => void d.accept()); // a confirmation before replaying, if the page asks
    const root = await openView(p.page, 'graph', '/console/graph');
    const row = root.locator('[data-testid="dlq-row"]').filter({ hasText: key }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    await row.locator('[data-testid="replay"]').click();
    const copies = await eventually(async () => {
      const found = (await readAll(kafka, admin, BASKETS_TOPIC)).filter((m) => m.value === poison);
      return found.length >= 2 && found;
    }, 'the replayed letter on delhaize_shop');
    const original = copies.find((m) => m.offset === sent!.baseOffset && m.partition === sent!.partition);
    assert.ok(original, `the poisoned record at ${sent!.partition}/${sent!.baseOffset}`);
    const replayed = copies.filter((m) => m !== original);
    assert.equal(replayed.length, 1, 'one replay, one new record');
    assert.equal(replayed[0]!.key, key);
    assert.ok(!(replayed[0]!.partition === original.partition && replayed[0]!.offset === original.offset), 'at a new offset');

    // The replayed copy failed again: two letters now; "replay all" sends both back.
    await p.page.waitForFunction(
      (k) => [...document.querySelectorAll('[data-testid="dlq-row"]')].filter((r) => r.textContent?.includes(k)).length === 2,
      key,
      { timeout: UI_TIMEOUT },
    );
    await root.locator('[data-testid="replay-all"]').first().click();
    await eventually(async () => (await readAll(kafka, admin, BASKETS_TOPIC)).filter((m) => m.value === poison).length === 4, 'both letters replayed by "replay all"');
    p.assertClean('graph view');
  });

  test("a group's lag appears on its view after producing and goes to 0 once it consumes", async () => {
    const N = 7;
    const p = await page();
    const root = await openView(p.page, 'group', `/console/groups/${encodeURIComponent(LAG_GROUP)}`);
    await markDocument(p.page);
    const lag = root.locator('[data-testid="group-lag"]').first();
    assert.equal(await numberIn(lag), 0, 'no lag before producing');
    await producer.send({ topic: LAG_TOPIC, acks: -1, messages: Array.from({ length: N }, (_, i) => ({ key: `k${i}`, value: `lag ${i}` })) });
    const lagIs = (n: number) =>
      p.page.waitForFunction((want) => document.querySelector('[data-testid="group-lag"]')?.textContent?.replace(/[,\s\u202f]/g, '') === String(want), n, {
        timeout: UI_TIMEOUT,
      });
    await lagIs(N);

    // Short fetch waits: disconnect() waits for the fetch in flight.
    const consumer = kafka.consumer({ groupId: LAG_GROUP, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      const consumed = new Promise<void>((resolve, reject) => {
        void consumer.subscribe({ topic: LAG_TOPIC }).then(() =>
          consumer.run({
            autoCommit: false,
            eachMessage: async ({ message, partition }) => {
              if (Number(message.offset) !== N - 1) return;
              await consumer.commitOffsets([{ topic: LAG_TOPIC, partition, offset: String(N) }]);
              resolve();
            },
          }),
        ).catch(reject);
      });
      await consumed;
      await lagIs(0);
    } finally {
      await consumer.disconnect();
    }
    await assertNotReloaded(p.page);
    p.assertClean('group view');
  });

  test("a message produced from the page's form is read back by kcat with its key, value and headers", async () => {
    const p = await page();
    const root = await openView(p.page, 'messages', `/console/topics/${encodeURIComponent(PRODUCE_TOPIC)}/messages`);
    const form = root.locator('[data-testid="produce-form"]');
    const key = `page-key-${RUN}`;
    const value = JSON.stringify({ from: 'the console', run: RUN, text: 'héllo' });
    await form.locator('[name="key"]').fill(key);
    await form.locator('[name="value"]').fill(value);
    await form.locator('[name="headers"]').fill('origin=console\ntrace-id=abc-123');
    const partition = form.locator('[name="partition"]');
    if ((await partition.evaluate((el) => el.tagName)) === 'SELECT') await partition.selectOption('1');
    else await partition.fill('1');
    await form.locator('[type="submit"], button:not([type])').first().click();
    const result = root.locator('[data-testid="produce-result"]');
    await result.filter({ hasText: /partition \d+ offset \d+/ }).waitFor({ timeout: UI_TIMEOUT });
    const [, P, O] = /partition (\d+) offset (\d+)/.exec((await result.textContent()) ?? '')!;
    assert.equal(P, '1', 'the partition chosen in the form');

    const out = await kcat(['-b', system.broker.address, '-C', '-t', PRODUCE_TOPIC, '-p', P!, '-o', O!, '-c', '1', '-e', '-q', '-J']);
    assert.equal(out.code, 0, out.stderr);
    const record = JSON.parse(out.stdout.trim().split('\n')[0]!) as { key: string; payload: string; offset: number; headers?: string[] };
    assert.equal(record.offset, Number(O));
    assert.equal(record.key, key);
    assert.equal(record.payload, value);
    assert.deepEqual(record.headers, ['origin', 'console', 'trace-id', 'abc-123']);
    p.assertClean('produce form');
  });

  // Last, so the screenshots show what the tests above put in the system.
  for (const viewport of [DESKTOP, PHONE]) {
    const size = `${viewport.width}x${viewport.height}`;
    test(`every view loads without a console error at ${size}`, async () => {
      const p = await page(viewport);
      for (const [view, path] of VIEWS) {
        await openView(p.page, view, path);
        await screenshot(p.page, shots, `${view}-${size}`);
        p.assertClean(`${path} at ${size}`);
        // Usable at this width: nothing sticks out sideways (wide tables scroll in their own box).
        const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${path} at ${size} is ${overflow} px wider than the window`);
      }
      // `/` answers a browser with the console.
      await openView(p.page, 'overview', '/');
      p.assertClean(`/ at ${size}`);
    });
  }
});
