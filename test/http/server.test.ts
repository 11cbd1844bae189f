// The HTTP server's own routes and error format, on a real broker and PGlite.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, startTestSystem, type TestSystem } from '../helpers/system.js';

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
