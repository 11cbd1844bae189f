// Safe defaults: the API listens on 127.0.0.1 unless HOST says otherwise;
// with API_KEYS every route but the health probes needs a Bearer key (401
// without, 403 with a wrong one); RATE_LIMIT caps each client's write requests
// (429 in the one error format). Through inject() against the real services.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyChecker, parseRateLimit } from '../../src/http/access.js';
import { KafkaConfigError } from '../../src/stream/kafka-config.js';
import { routeTableOf } from '../../src/http/methods.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

const ALL = ['players', 'state', 'activity', 'sessions', 'baskets'];

/** A concrete path for a route pattern: `:id` and `*` become `x`. */
const concrete = (pattern: string) => pattern.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, 'x').replace(/\*/g, 'x');

describe('settings', () => {
  test('RATE_LIMIT: a count per window, a bare number per minute; anything else names the variable', () => {
    assert.deepEqual(parseRateLimit('100/minute'), { max: 100, windowMs: 60_000, text: '100/minute' });
    assert.deepEqual(parseRateLimit('10/second'), { max: 10, windowMs: 1000, text: '10/second' });
    assert.deepEqual(parseRateLimit('1000/15m'), { max: 1000, windowMs: 900_000, text: '1000/15m' });
    assert.deepEqual(parseRateLimit('5000 / hour'), { max: 5000, windowMs: 3_600_000, text: '5000 / hour' });
    assert.deepEqual(parseRateLimit('50'), { max: 50, windowMs: 60_000, text: '50' });
    for (const bad of ['', 'abc', '0', '-1', '10/fortnight', '10/0s', '1.5/s', '100/minute/2']) {
      assert.throws(() => parseRateLimit(bad), (err: unknown) => err instanceof KafkaConfigError && err.variable === 'RATE_LIMIT', bad);
    }
  });

  test('keys are checked against every configured key', () => {
    const valid = keyChecker(['alpha', 'beta-key']);
    assert.equal(valid('alpha'), true);
    assert.equal(valid('beta-key'), true);
    for (const wrong of ['', 'alph', 'alphaa', 'ALPHA', 'beta']) assert.equal(valid(wrong), false, wrong);
  });

  test('a bad RATE_LIMIT fails the start naming it', async () => {
    await assert.rejects(startTestSystem({ services: ['players'], env: { RATE_LIMIT: 'lots' } }), /RATE_LIMIT/);
  });
});

describe('HOST', () => {
  // HOST unset (empty): this machine only; 0.0.0.0: every interface. The URL is what is bound.
  for (const [host, bound] of [['', '127.0.0.1'], ['0.0.0.0', '0.0.0.0']] as const) {
    test(`HOST=${host} listens on ${bound}, and the URL says so`, async () => {
      const system = await startTestSystem({ services: ['players'], api: { host: undefined, port: 0 }, env: { HOST: host } });
      try {
        const address = system.http!.server.address();
        assert.ok(address && typeof address === 'object');
        assert.equal(address.address, bound);
        assert.equal(system.url, `http://${bound}:${address.port}`);
      } finally {
        await system.close();
      }
    });
  }
});

describe('API_KEYS', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ services: ALL, workers: false, env: { API_KEYS: 'first-key, second-key' } });
  });
  after(async () => {
    await system?.close();
  });

  test('every registered route but /healthz, /readyz and the console page is 401 without a key, 403 with a wrong one', async () => {
    const routes = routeTableOf(system.http!)!.list();
    assert.ok(routes.length >= 15, `routes: ${routes.map((r) => r.url).join(' ')}`);
    let walked = 0;
    for (const { url, methods } of routes) {
      for (const method of methods) {
        const path = concrete(url);
        const without = await system.http!.inject({ method: method as 'GET', url: path });
        if (url === '/healthz' || url === '/readyz' || url === '/console' || url.startsWith('/console/')) {
          // The console page and its assets hold no data (a missing asset is a 404, still without a key).
          assert.ok(without.statusCode < 400 || (url.startsWith('/console/') && without.statusCode === 404), `${method} ${path} is open: ${without.statusCode}`);
          continue;
        }
        walked++;
        assert.equal(without.statusCode, 401, `${method} ${path} without a key: ${without.body}`);
        assert.equal(without.headers['www-authenticate'], 'Bearer realm="tributary"', `${method} ${path}`);
        if (method !== 'HEAD') assert.equal(without.json().field, 'headers.authorization');
        for (const authorization of ['Bearer wrong-key', 'Bearer first-key2', 'bearer FIRST-KEY']) {
          const wrong = await system.http!.inject({ method: method as 'GET', url: path, headers: { authorization } });
          assert.equal(wrong.statusCode, 403, `${method} ${path} with ${authorization}: ${wrong.body}`);
        }
        for (const authorization of ['Basic Zmlyc3Qta2V5', 'first-key', 'Bearer']) {
          const other = await system.http!.inject({ method: method as 'GET', url: path, headers: { authorization } });
          assert.equal(other.statusCode, 401, `${method} ${path} with ${authorization}`);
        }
      }
    }
    assert.ok(walked >= 20, `walked ${walked} route methods`);
  });

  test('an unknown path and a wrong method are 401 too: nothing is told without a key', async () => {
    assert.equal((await system.http!.inject({ method: 'GET', url: '/nope' })).statusCode, 401);
    assert.equal((await system.http!.inject({ method: 'GET', url: '/data' })).statusCode, 401);
  });

  test('either key opens every route', async () => {
    for (const key of ['first-key', 'second-key']) {
      const headers = { authorization: `Bearer ${key}` };
      assert.equal((await system.http!.inject({ method: 'GET', url: '/state', headers })).statusCode, 200);
      const created = await system.http!.inject({ method: 'POST', url: '/api/soccer_players', payload: { count: 1 }, headers });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal((await system.http!.inject({ method: 'GET', url: '/data', headers })).statusCode, 405);
      assert.equal((await system.http!.inject({ method: 'GET', url: '/nope', headers })).statusCode, 404);
    }
  });
});

describe('RATE_LIMIT', () => {
  let system: TestSystem;
  before(async () => {
    system = await startTestSystem({ services: ['players', 'baskets', 'activity'], workers: false, env: { RATE_LIMIT: '3/minute' } });
  });
  after(async () => {
    await system?.close();
  });

  const post = (url: string, payload: unknown, remoteAddress = '10.0.0.1') => system.http!.inject({ method: 'POST', url, payload: payload as object, remoteAddress });

  test('a client gets 429 after its writes per window on a write route, in the one error format', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await post('/api/soccer_players', { count: 1 })).statusCode, 201);
    const over = await post('/api/soccer_players', { count: 1 });
    assert.equal(over.statusCode, 429, over.body);
    const body = over.json();
    assert.deepEqual(Object.keys(body).sort(), ['error', 'message', 'statusCode']);
    assert.equal(body.error, 'Too Many Requests');
    assert.match(body.message, /more than 3\/minute write requests from 10\.0\.0\.1/);
    assert.ok(Number(over.headers['retry-after']) > 0, 'Retry-After');
    // Another client, the reads and the read-only lookup are not held back.
    assert.equal((await post('/api/soccer_players', { count: 1 }, '10.0.0.2')).statusCode, 201);
    for (let i = 0; i < 10; i++) {
      assert.equal((await system.http!.inject({ method: 'GET', url: '/users', remoteAddress: '10.0.0.1' })).statusCode, 200);
      assert.equal((await post('/baskets/lookup', { ids: ['a'] })).statusCode, 200);
    }
    // One budget per client for all the write routes.
    assert.equal((await post('/users', { name: 'Ada', email: 'ada@example.com' })).statusCode, 429);
    assert.equal((await post('/data', {})).statusCode, 429);
  });

  test('off by default: many writes from one client are never 429', async () => {
    const open = await startTestSystem({ services: ['players'], env: { RATE_LIMIT: '' } });
    try {
      for (let i = 0; i < 50; i++) {
        const res = await open.http!.inject({ method: 'POST', url: '/api/soccer_players', payload: { count: 1 }, remoteAddress: '10.0.0.1' });
        assert.equal(res.statusCode, 201);
      }
    } finally {
      await open.close();
    }
  });
});
