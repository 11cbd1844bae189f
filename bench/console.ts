// `npm run bench` (last part): the console under load. Starts `tributary start`
// (every service, embedded broker, PGlite) as a child process, adds 10 topics ×
// 12 partitions and a group that committed on all of them, then a producer at
// full speed in another child (bench/console-producer.ts). Each view of the
// console is opened in a fresh headless Chromium context (cold cache, as a first
// visit) and measured:
//   first render   navigation start → the view's data-ready="true" (a MutationObserver
//                  the bench injects before the page's own scripts)
//   SSE events/s   `data:` events the page received on its live streams over the
//                  window, counted by a wrapper around window.fetch injected the same
//                  way (the page reads its streams with fetch, not EventSource); the
//                  page's other fetches (panels that poll) are counted beside them
//   page answers   round trips of a script evaluated in the page during the window
//                  (its main thread's availability), and the long tasks it ran
//   produce rate   records/s the producer had acknowledged during the window
// Last, every view is open at once, in as many pages (one row: the slowest first
// render, the rest per page). The baseline row, first, is the overview opened
// with the producer idle; the "vs idle" column is each view's first render over
// it. Exit code 1 when a view never became ready or logged a console error.
//
//   npx tsx bench/console.ts            5 s window per view
//   npx tsx bench/console.ts --quick    2 s window per view (smoke check)
//   npx tsx bench/console.ts --views=overview,graph    only these views
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { kafkajsAdmin } from '../test/helpers/kafkajs.js';
import { browserSkipReason, DESKTOP, launchBrowser, openPage } from '../test/helpers/browser.js';
import type { ProducerCommand, ProducerReport } from './console-producer.js';
import { fixed, heading, int, ratio, table } from './report.js';
import { startSystemProcess, type SystemProcess } from './system-process.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--views='))?.slice('--views='.length).split(',');
const WINDOW_MS = quick ? 2_000 : 5_000;
const TOPICS = Array.from({ length: 10 }, (_, i) => `bench-console-${i}`);
const PARTITIONS = 12;
const GROUP = 'bench-console-readers';
const PER_SEND = 500;
const IN_FLIGHT = 4;
const READY_TIMEOUT_MS = 30_000;
/** Pause between two round trips into the page while a window runs. */
const PROBE_EVERY_MS = 100;

const ALL_VIEWS: [view: string, path: string][] = [
  ['overview', '/console/'],
  ['topics', '/console/topics'],
  ['topic', `/console/topics/${TOPICS[0]}`],
  ['messages', `/console/topics/${TOPICS[0]}/messages`],
  ['groups', '/console/groups'],
  ['group', `/console/groups/${GROUP}`],
  ['graph', '/console/graph'],
  ['system-players', '/console/systems/players'],
  ['system-state', '/console/systems/state'],
  ['system-activity', '/console/systems/activity'],
  ['system-sessions', '/console/systems/sessions'],
  ['system-baskets', '/console/systems/baskets'],
];

const VIEWS = only ? ALL_VIEWS.filter(([view]) => only.includes(view)) : ALL_VIEWS;
if (only && VIEWS.length !== only.length) {
  console.error(`unknown view in --views; the views are ${ALL_VIEWS.map(([v]) => v).join(', ')}`);
  process.exit(2);
}

/**
 * Injected before the page's scripts: window.__benchConsole counts the SSE
 * events and bytes of every event-stream response fetched (a tee of its body:
 * the page reads its own branch untouched), the long tasks, and the time the
 * first data-ready="true" appeared (ms since navigation start).
 */
const PAGE_PROBE = `(() => {
  const stats = { events: 0, bytes: 0, streams: 0, fetches: 0, firstReadyMs: null, longTasks: 0, longTaskMs: 0 };
  window.__benchConsole = stats;
  const fetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const res = await fetch(...args);
    if (!(res.headers.get('content-type') || '').includes('text/event-stream') || !res.body) {
      stats.fetches++;
      return res;
    }
    stats.streams++;
    const [mine, theirs] = res.body.tee();
    (async () => {
      const reader = mine.getReader();
      const decoder = new TextDecoder();
      let text = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          stats.bytes += value.byteLength;
          text = (text + decoder.decode(value, { stream: true })).replace(/\\r\\n?/g, '\\n');
          let end;
          while ((end = text.indexOf('\\n\\n')) >= 0) {
            if (/^data:/m.test(text.slice(0, end))) stats.events++;
            text = text.slice(end + 2);
          }
        }
      } catch {
        // the page closed its stream
      }
    })();
    return new Response(theirs, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { stats.longTasks++; stats.longTaskMs += e.duration; }
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const mark = () => {
    if (stats.firstReadyMs === null && document.querySelector('[data-ready="true"]')) stats.firstReadyMs = performance.now();
  };
  new MutationObserver(mark).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
})();`;

interface PageStats {
  events: number;
  bytes: number;
  streams: number;
  fetches: number;
  firstReadyMs: number | null;
  longTasks: number;
  longTaskMs: number;
}

interface ViewResult {
  view: string;
  path: string;
  firstRenderMs: number | null;
  eventsPerSec: number;
  bytesPerSec: number;
  streams: number;
  fetchesPerSec: number;
  probeP50: number;
  probeMax: number;
  longTaskMs: number;
  producedPerSec: number | null;
  problems: string[];
}

/** The load generator in its own process; answers after it created the topics. */
class LoadProducer {
  private child = fork(fileURLToPath(new URL('./console-producer.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  private waiting: ((m: ProducerReport) => void)[] = [];

  constructor() {
    this.child.on('message', (m: ProducerReport) => {
      if (m.type === 'error') console.error(`✘ the producer: ${m.message}`);
      this.waiting.shift()?.(m);
    });
  }

  private ask(command: ProducerCommand): Promise<ProducerReport> {
    return new Promise((resolve, reject) => {
      this.waiting.push((m) => (m.type === 'error' ? reject(new Error(m.message)) : resolve(m)));
      this.child.send(command);
    });
  }

  async setup(address: string): Promise<void> {
    await this.ask({ cmd: 'setup', address, topics: TOPICS, partitions: PARTITIONS });
  }
  start(): void {
    this.child.send({ cmd: 'start', perSend: PER_SEND, inFlight: IN_FLIGHT } satisfies ProducerCommand);
  }
  async acked(): Promise<{ acked: number; failed: number; lastError: string | null }> {
    const m = await this.ask({ cmd: 'count' });
    if (m.type !== 'count') throw new Error(`the producer answered ${m.type} to count`);
    return m;
  }
  async stop(): Promise<number> {
    if (!this.child.connected) return 0;
    const m = await this.ask({ cmd: 'stop' });
    return m.type === 'stopped' ? m.acked : 0;
  }
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * Opens the views at once, each in a fresh context, waits for each to be ready,
 * then measures them over one window (the round trips go to each page in turn).
 */
async function measureViews(browser: Browser, system: SystemProcess, views: [view: string, path: string][], producer: LoadProducer | null): Promise<ViewResult[]> {
  const pages = await Promise.all(views.map(() => openPage(browser, { viewport: DESKTOP, baseURL: system.url, initScripts: [PAGE_PROBE] })));
  const stats = (i: number) => pages[i]!.page.evaluate(() => (globalThis as unknown as { __benchConsole: PageStats }).__benchConsole);
  try {
    const firstRender = await Promise.all(
      views.map(async ([view, path], i) => {
        const { page, problems } = pages[i]!;
        await page.goto(path);
        try {
          await page.locator(`[data-view="${view}"][data-ready="true"]`).waitFor({ timeout: READY_TIMEOUT_MS });
          return (await stats(i)).firstReadyMs;
        } catch {
          problems.push(`never data-ready within ${READY_TIMEOUT_MS / 1000} s`);
          return null;
        }
      }),
    );
    // The window: what the pages receive and how quickly they answer while data flows.
    const before = await Promise.all(views.map((_, i) => stats(i)));
    const producedBefore = producer ? (await producer.acked()).acked : 0;
    const started = performance.now();
    const probes: number[][] = views.map(() => []);
    for (let turn = 0; performance.now() - started < WINDOW_MS; turn++) {
      const i = turn % views.length;
      const t = performance.now();
      await pages[i]!.page.evaluate(() => 0);
      probes[i]!.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS / views.length));
    }
    const after = await Promise.all(views.map((_, i) => stats(i)));
    const seconds = (performance.now() - started) / 1000;
    const producedPerSec = producer ? ((await producer.acked()).acked - producedBefore) / seconds : null;
    return views.map(([view, path], i) => {
      const b = before[i]!;
      const a = after[i]!;
      const p = probes[i]!.sort((x, y) => x - y);
      return {
        view,
        path,
        firstRenderMs: firstRender[i] ?? null,
        eventsPerSec: (a.events - b.events) / seconds,
        bytesPerSec: (a.bytes - b.bytes) / seconds,
        streams: a.streams,
        fetchesPerSec: (a.fetches - b.fetches) / seconds,
        probeP50: p[Math.floor(p.length / 2)] ?? NaN,
        probeMax: p[p.length - 1] ?? NaN,
        longTaskMs: a.longTaskMs - b.longTaskMs,
        producedPerSec,
        problems: [...pages[i]!.problems],
      };
    });
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
}

const measureView = async (browser: Browser, system: SystemProcess, view: string, path: string, producer: LoadProducer | null) =>
  (await measureViews(browser, system, [[view, path]], producer))[0]!;

/** The pages of one window as one row: the slowest first render, the other figures per page (mean; the answers over all pages). */
function together(results: ViewResult[]): ViewResult {
  const mean = (f: (r: ViewResult) => number) => results.reduce((sum, r) => sum + f(r), 0) / results.length;
  const renders = results.map((r) => r.firstRenderMs);
  return {
    view: `all ${results.length} views open at once (per page)`,
    path: '',
    firstRenderMs: renders.includes(null) ? null : Math.max(...(renders as number[])),
    eventsPerSec: mean((r) => r.eventsPerSec),
    bytesPerSec: mean((r) => r.bytesPerSec),
    streams: mean((r) => r.streams),
    fetchesPerSec: mean((r) => r.fetchesPerSec),
    probeP50: mean((r) => r.probeP50),
    probeMax: Math.max(...results.map((r) => r.probeMax)),
    longTaskMs: mean((r) => r.longTaskMs),
    producedPerSec: results[0]?.producedPerSec ?? null,
    problems: results.flatMap((r) => r.problems.map((p) => `${r.view}: ${p}`)),
  };
}

async function main(): Promise<number> {
  const skip = browserSkipReason();
  if (skip) {
    console.log(`console bench skipped: ${skip}`);
    return 0;
  }
  console.error('▶ starting tributary start');
  const system = await startSystemProcess('console');
  console.error(`  ${system.what}, API ${system.url}, broker ${system.brokerAddress}`);
  const producer = new LoadProducer();
  let browser: Browser | undefined;
  const results: ViewResult[] = [];
  let baseline: ViewResult | undefined;
  let failed = false;
  let total = { acked: 0, seconds: 0, failed: 0 };
  try {
    await producer.setup(system.brokerAddress);
    // A group that committed offset 0 on every partition: its lag grows with every record produced.
    const { admin } = await kafkajsAdmin(system.brokerAddress);
    try {
      for (const topic of TOPICS) await admin.setOffsets({ groupId: GROUP, topic, partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, offset: '0' })) });
    } finally {
      await admin.disconnect();
    }
    browser = await launchBrowser();
    // Warm-up (the server's JIT and the bundle's first read from disk), not reported.
    await measureView(browser, system, 'overview', '/console/', null);
    baseline = await measureView(browser, system, 'overview', '/console/', null);

    producer.start();
    const t0 = performance.now();
    // Running at full speed before the first view opens: some acks are back.
    while ((await producer.acked()).acked < PER_SEND * IN_FLIGHT * 4) await new Promise((r) => setTimeout(r, 50));
    const start = await producer.acked();
    for (const [view, path] of VIEWS) {
      console.error(`▶ ${view} (${path})`);
      const r = await measureView(browser, system, view, path, producer);
      results.push(r);
      if (r.problems.length > 0) {
        failed = true;
        console.error(`  ✘ ${r.problems.join('\n    ')}`);
      }
    }
    if (VIEWS.length > 1) {
      console.error(`▶ all ${VIEWS.length} views at once`);
      const each = await measureViews(browser, system, VIEWS, producer);
      console.error(`  first render: ${each.map((r) => `${r.view} ${r.firstRenderMs === null ? 'never' : `${int(r.firstRenderMs)} ms`}`).join(', ')}`);
      const all = together(each);
      results.push(all);
      if (all.problems.length > 0) {
        failed = true;
        console.error(`  ✘ ${all.problems.join('\n    ')}`);
      }
    }
    const end = await producer.acked();
    total = { acked: end.acked - start.acked, seconds: (performance.now() - t0) / 1000, failed: end.failed };
    if (end.failed > 0) console.error(`  the producer had ${int(end.failed)} records refused; last error: ${end.lastError}`);
  } catch (err) {
    failed = true;
    console.error(`✘ ${(err as Error).message}\nthe system's log (${system.logFile}):\n${system.tail()}`);
  } finally {
    await producer.stop().catch(() => producer.kill());
    producer.kill();
    await browser?.close();
    await system.close(failed);
  }

  if (baseline) {
    const row = (r: ViewResult, label: string) => [
      label,
      r.firstRenderMs === null ? 'never' : `${int(r.firstRenderMs)} ms`,
      r.firstRenderMs !== null && baseline!.firstRenderMs ? ratio(r.firstRenderMs, baseline!.firstRenderMs) : '-',
      fixed(r.streams, r.streams % 1 ? 1 : 0),
      fixed(r.eventsPerSec, 1),
      fixed(r.bytesPerSec / 1000, 1),
      fixed(r.fetchesPerSec, 1),
      `${fixed(r.probeP50, 1)} / ${fixed(r.probeMax, 1)} ms`,
      `${int(r.longTaskMs)} ms`,
      r.producedPerSec === null ? 'idle' : int(r.producedPerSec),
      String(r.problems.length),
    ];
    console.log(heading(`The console under load (tributary start; ${TOPICS.length} topics × ${PARTITIONS} partitions, a producer at full speed; headless Chromium; ${os.cpus().length} cores)`));
    console.log(
      table(
        ['view', 'first render', 'vs idle', 'streams', 'SSE events/s', 'SSE kB/s', 'other fetches/s', 'page answers p50 / max', 'long tasks', 'produced/s', 'console errors'],
        [row(baseline, 'overview, producer idle (baseline)'), ...results.map((r) => row(r, r.view))],
        ['l'],
      ),
    );
    console.log(`first render: navigation start → data-ready="true", a fresh browser context per view (nothing cached); SSE: \`data:\` events over a ${WINDOW_MS / 1000} s window per page;`);
    console.log('streams: live streams the page opened; other fetches/s: its plain requests during the window (a panel that polls instead of streaming);');
    console.log('page answers: round trip of a script evaluated in the page during the window; long tasks: main-thread tasks over 50 ms, summed;');
    if (VIEWS.length > 1) console.log(`all at once: the slowest first render; the other figures are per page, the mean over the ${VIEWS.length} pages (answers: p50 mean, max of all).`);
    if (total.seconds > 0) console.log(`produced while the views were measured: ${int(total.acked)} records in ${fixed(total.seconds, 1)} s = ${int(total.acked / total.seconds)} records/s (acks=1, ${PER_SEND} per send, ${IN_FLIGHT} in flight)${quick ? '   [--quick]' : ''}`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
