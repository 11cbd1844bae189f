// The HTTP server's own routes and error format, on a real broker and PGlite.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

/** A GET's status, its body read to the end: a body left unread holds the server's close until the socket times out. */
async function statusOf(url: URL): Promise<number> {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
}

describe('HTTP server', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ services: ['players'] });
  });
  after(async () => {
    await system?.close();
  });

  test('/healthz answers ok', async () => {
    const res = await api(system.url, 'GET', '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  test('/readyz checks the broker and the database', async () => {
    const res = await api(system.url, 'GET', '/readyz');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.checks.kafka, /^ok/);
    assert.equal(res.body.checks.database, 'ok (pglite)');
  });

  test('/readyz answers 503 naming the broker when it is gone', async () => {
    const other = await startTestSystem({ services: ['players'] });
    await other.broker.close();
    try {
      const res = await api(other.url, 'GET', '/readyz');
      assert.equal(res.status, 503);
      assert.match(res.body.checks.kafka, /unreachable/);
    } finally {
      await other.close().catch(() => {});
    }
  });

  test('an unknown route is a JSON 404 naming it', async () => {
    const res = await api(system.url, 'GET', '/nope?x=1');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'no route GET /nope');
  });

  test('/docs serves the OpenAPI UI and document', async () => {
    const ui = await fetch(`${system.url}/docs/`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
    const doc = await api(system.url, 'GET', '/docs/json');
    assert.equal(doc.status, 200);
    assert.match(doc.body.openapi, /^3\./);
    assert.ok(doc.body.paths['/readyz']);
  });

  test('/docs shows the title and every route in its HTML, before any script runs', async () => {
    const doc = (await api(system.url, 'GET', '/docs/json')).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, { summary?: string }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, summary: op.summary ?? '' })),
    );
    assert.ok(operations.some((o) => o.path === '/api/soccer_players' && o.method === 'POST'));
    for (const url of ['/docs', '/docs/']) {
      const res = await fetch(`${system.url}${url}`);
      assert.equal(res.status, 200, url);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      const html = await res.text();
      // What a page shows without JavaScript: the markup before the first script.
      const firstPaint = html.slice(0, html.indexOf('<script'));
      assert.match(firstPaint, new RegExp(`<h1>${doc.info.title}\\b`), `${url}: the API title`);
      const text = firstPaint.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&#38;/g, '&').replace(/\s+/g, ' ');
      for (const o of operations) {
        assert.ok(text.includes(`${o.method} ${o.path} ${o.summary}`.trim()), `${url}: ${o.method} ${o.path} "${o.summary}" listed`);
      }
      // The interactive UI still loads below, from links that resolve from this URL.
      const bundle = /<script src="([^"]+swagger-ui-bundle\.js)"/.exec(html)?.[1];
      assert.ok(bundle, 'the Swagger UI bundle is loaded');
      assert.equal(await statusOf(new URL(bundle, `${system.url}${url}`)), 200, `${url}: ${bundle} resolves`);
      const json = /url: '([^']+)'/.exec(html)?.[1];
      assert.equal(await statusOf(new URL(json!, `${system.url}${url}`)), 200, `${url}: ${json} resolves`);
    }
    const alone = await fetch(`${system.url}/docs/ui/`);
    assert.equal(alone.status, 200);
    assert.match(await alone.text(), /swagger-ui-bundle\.js/);
  });

  test('/asyncapi.json is an AsyncAPI 3 document', async () => {
    const res = await api(system.url, 'GET', '/asyncapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.asyncapi, '3.0.0');
    assert.equal(typeof res.body.channels, 'object');
  });

  test('/metrics is Prometheus text with HTTP request figures', async () => {
    await api(system.url, 'GET', '/healthz');
    const res = await fetch(`${system.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /tributary_http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} \d+/);
  });
});

describe('HTTP server metrics of the stream apps', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ services: ['players', 'sessions'] });
  });
  after(async () => {
    await system?.close();
  });

  const metric = (text: string, pattern: RegExp): number => {
    const m = pattern.exec(text);
    return m ? Number(m[1]) : Number.NaN;
  };

  test('/metrics reports produced and consumed records, table entries and consumer lag', async () => {
    const created = await api(system.url, 'POST', '/api/soccer_players', { count: 7 });
    assert.equal(created.status, 201);
    const now = Date.now();
    const sessions = system.services.find((s) => s.name === 'sessions')!;
    const input = sessions.app.topics.get('input_topic')!;
    await sessions.app.send(
      input,
      ['u-1', 'u-2'].map((userId, i) => ({
        key: userId,
        value: { userId, visitorId: 'v', type: 'track', metadata: { messageId: `m${i}`, sentAt: now, timestamp: now + i, receivedAt: now, apiKey: 'k', spaceId: 's', version: '1' }, event: 'e', eventData: {} },
      })),
    );
    // The worker commits on an interval: wait until the committed offsets catch up.
    const text = await eventually(async () => {
      const body = await (await fetch(`${system.url}/metrics`)).text();
      const consumed = metric(body, /tributary_consumed_records_total\{agent="summaries",group="[^"]*"\} (\d+)/);
      const lags = [...body.matchAll(/tributary_consumer_lag\{[^}]*topic="input_topic"[^}]*\} (\d+)/g)].map((m) => Number(m[1]));
      return consumed === 2 && lags.length > 0 && lags.every((n) => n === 0) ? body : undefined;
    }, 'the summaries agent to process and commit both events');
    assert.equal(metric(text, /tributary_produced_records_total\{topic="soccer_players"\} (\d+)/), 7);
    assert.equal(metric(text, /tributary_produced_records_total\{topic="input_topic"\} (\d+)/), 2);
    assert.equal(metric(text, /tributary_table_entries\{table="summaries"\} (\d+)/), 2);
  });
});

describe('HTTP server: a known path with the wrong method', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ services: ['players', 'baskets'], workers: false });
  });
  after(async () => {
    await system?.close();
  });

  test('is 405 with an Allow header naming the methods the path takes, in the one error format', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/data', 'POST'],
      ['PUT', '/data?x=1', 'POST'],
      ['GET', '/api/soccer_players', 'POST'],
      ['DELETE', '/healthz', 'GET, HEAD'],
      ['POST', '/baskets/42', 'GET, HEAD'],
      // /baskets/lookup is POST, and GET reaches /baskets/:id with id "lookup".
      ['PUT', '/baskets/lookup', 'GET, HEAD, POST'],
      ['PATCH', '/docs/json', 'GET, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await system.http!.inject({ method: method as 'GET', url });
      assert.equal(res.statusCode, 405, `${method} ${url}: ${res.body}`);
      assert.equal(res.headers.allow, allow, `${method} ${url}`);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
      assert.equal(body.error, 'Method Not Allowed');
      assert.equal(body.message, `${method} is not allowed on ${url.split('?')[0]}; use ${allow}`);
    }
  });

  test('an unknown path is still 404, with any method', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const res = await system.http!.inject({ method, url: '/datas' });
      assert.equal(res.statusCode, 404, `${method}: ${res.body}`);
      assert.equal(res.headers.allow, undefined);
    }
    assert.equal((await system.http!.inject({ method: 'GET', url: '/baskets/1/2' })).statusCode, 404);
  });
});
