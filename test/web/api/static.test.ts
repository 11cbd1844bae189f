// The console page: index.html for /console, its routes and GET / from a
// browser (JSON for other clients), hashed assets cached for a year, the
// "not built" page without a build, and with API_KEYS the page and assets
// served without a key while /api/console/* needs one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestBroker, tempDir, type TestBroker } from '../../helpers/broker.js';
import { packageRoot, prefersHtml, rootRoute } from '../../../src/web/api/static.js';
import { startConsoleServer, type ConsoleServer } from './console-server.js';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('console page', () => {
  let broker: TestBroker;
  let dir: string;
  let built: ConsoleServer;
  let bare: ConsoleServer;
  let keyed: ConsoleServer;
  before(async () => {
    broker = await startTestBroker();
    dir = tempDir('tributary-console-page-');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/console/assets/app-1a2b.js"></script>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), 'console.log("page")');
    const index = () => ({ name: 'test', systems: [], links: { console: '/console' } });
    built = await startConsoleServer([broker.address], { pageDir: dir }, [], (http, page) => rootRoute(http, page, index));
    bare = await startConsoleServer([broker.address], { pageDir: path.join(dir, 'missing') }, [], (http, page) => rootRoute(http, page, index));
    keyed = await startConsoleServer([broker.address], { pageDir: dir, authRequired: true }, ['the-key'], (http, page) => rootRoute(http, page, index));
  });
  after(async () => {
    await Promise.all([built?.close(), bare?.close(), keyed?.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
    await broker?.destroy();
  });

  test('/console and every /console/* route answer index.html, not cached', async () => {
    for (const url of ['/console', '/console/', '/console/topics/orders', '/console/groups/g?tab=lag']) {
      const res = await built.http.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /app-1a2b\.js/, url);
      assert.equal(res.headers['cache-control'], 'no-cache');
    }
  });

  test('assets are served with a year-long immutable cache; a missing one is 404', async () => {
    const res = await built.http.inject({ method: 'GET', url: '/console/assets/app-1a2b.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'console.log("page")');
    assert.match(res.headers['content-type'] as string, /javascript/);
    assert.match(res.headers['cache-control'] as string, /max-age=31536000/);
    assert.match(res.headers['cache-control'] as string, /immutable/);
    const missing = await built.http.inject({ method: 'GET', url: '/console/assets/app-0000.js' });
    assert.equal(missing.statusCode, 404);
  });

  test('GET /: the page for a browser, the JSON index for anything else', async () => {
    const page = await built.http.inject({ method: 'GET', url: '/', headers: HTML });
    assert.match(page.body, /app-1a2b\.js/);
    const json = await built.http.inject({ method: 'GET', url: '/' });
    assert.deepEqual(json.json(), { name: 'test', systems: [], links: { console: '/console' } });
    const explicit = await built.http.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } });
    assert.equal(explicit.json().name, 'test');
  });

  test('without a build, a browser gets a page saying to run npm run build', async () => {
    for (const url of ['/', '/console', '/console/topics']) {
      const res = await bare.http.inject({ method: 'GET', url, headers: HTML });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /not built/);
      assert.match(res.body, /npm run build/);
    }
  });

  test('with API keys: the page and its assets need none, the console API does', async () => {
    assert.equal((await keyed.http.inject({ method: 'GET', url: '/console/topics' })).statusCode, 200);
    assert.equal((await keyed.http.inject({ method: 'GET', url: '/console/assets/app-1a2b.js' })).statusCode, 200);
    assert.equal((await keyed.http.inject({ method: 'GET', url: '/', headers: HTML })).statusCode, 200);
    assert.equal((await keyed.http.inject({ method: 'GET', url: '/' })).statusCode, 401, 'the JSON index needs the key');
    const without = await keyed.http.inject({ method: 'GET', url: '/api/console/overview' });
    assert.equal(without.statusCode, 401);
    assert.equal((await keyed.http.inject({ method: 'GET', url: '/api/console/live/overview' })).statusCode, 401);
    const withKey = await keyed.http.inject({ method: 'GET', url: '/api/console/overview', headers: { authorization: 'Bearer the-key' } });
    assert.equal(withKey.statusCode, 200);
    assert.equal(withKey.json().authRequired, true);
  });

  test('prefersHtml reads the Accept header as browsers and tools send it', () => {
    const req = (accept?: string) => ({ headers: accept === undefined ? {} : { accept } }) as never;
    assert.equal(prefersHtml(req(HTML.accept)), true);
    assert.equal(prefersHtml(req('*/*')), false);
    assert.equal(prefersHtml(req()), false);
    assert.equal(prefersHtml(req('application/json, text/html;q=0.5')), false);
    assert.equal(prefersHtml(req('text/html;q=0')), false);
  });

  test('the package root is the folder of package.json', () => {
    assert.equal(JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).name, 'tributary');
  });
});
