// "Accepted means storable": every route refuses, with 422 naming the field,
// what the database or a consumer could not take (U+0000, lone UTF-16
// surrogates, ids too long), wherever it is in the body, the path or the query
// string; nothing reaches a topic or the database for it, and no input is a 500.
// Through inject() against the five services on a real broker and PGlite.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnstorable, unstorableText } from '../../src/http/storable.js';
import { startTestSystem, type TestSystem } from '../helpers/system.js';

/** JSON text with `\u` escapes, so a lone surrogate reaches the server as the client wrote it. */
const escaped = (value: unknown) => JSON.stringify(value).replace(/[\u0000\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const BAD: [string, string][] = [
  ['NUL', 'Brus\u0000sels'],
  ['a lone high surrogate', 'Brus\uD800sels'],
  ['a lone low surrogate', 'Brus\uDC00sels'],
  ['a high surrogate at the end', 'Brussels\uD83D'],
];

/** Every string leaf of a JSON value, as a path. */
function stringPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...path, k]));
  return [];
}

function withLeaf(value: unknown, path: (string | number)[], leaf: string): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = leaf;
  return copy;
}

describe('storable values', () => {
  test('NUL and lone surrogates are found with their path; pairs, emoji and other text are fine', () => {
    assert.equal(unstorableText('Brussels 🛒 ü ẞ \uFFFF'), undefined);
    assert.match(unstorableText('a\u0000b')!, /U\+0000/);
    assert.match(unstorableText('a\uD800b')!, /U\+D800/);
    assert.match(unstorableText('\uDC00')!, /U\+DC00/);
    assert.deepEqual(
      findUnstorable({ a: [1, 'ok', { b: 'x\u0000' }], ['k\uD800']: 1, n: Number.POSITIVE_INFINITY }).map((i) => i.path.join('.')),
      ['a.2.b', 'k\\ud800', 'n'],
    );
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`);
    assert.equal(findUnstorable(deep).length, 1, 'a deeply nested value is walked without exhausting the stack');
  });
});

describe('every route refuses what it could not store', () => {
  let system: TestSystem;
  const inject = (method: 'GET' | 'POST', url: string, payload?: string) =>
    system.http!.inject({ method, url, payload, headers: payload === undefined ? {} : { 'content-type': 'application/json' } });
  const records = (topic: string) => {
    const t = system.broker.broker.topics.get(topic);
    return t ? t.partitions.reduce((n, p) => n + p.highWatermark, 0) : 0;
  };

  before(async () => {
    system = await startTestSystem({ services: ['players', 'state', 'activity', 'sessions', 'baskets'] });
  });
  after(async () => {
    await system?.close();
  });

  const bodies: [string, unknown][] = [
    ['/data', { id: 'b-1', store: 'Brussels', date: '2024-01-31', products: [{ id: 'p1', name: 'an apple', price: 0.5 }] }],
    ['/users', { name: 'Ada', email: 'ada@example.com' }],
    ['/baskets/lookup', { ids: ['b-1', 'b-2'] }],
  ];

  for (const [url, good] of bodies) {
    test(`POST ${url} with NUL or a lone surrogate in any string is 422 naming the field`, async () => {
      const before = records('delhaize_shop');
      for (const path of stringPaths(good)) {
        for (const [what, bad] of BAD) {
          const field = ['body', ...path].join('.');
          // An email cannot hold these anyway; its own check names it just the same.
          const res = await inject('POST', url, escaped(withLeaf(good, path, bad)));
          assert.equal(res.statusCode, 422, `${field} with ${what}: ${res.body}`);
          assert.equal(res.json().field, field, `${field} with ${what}: ${res.body}`);
        }
      }
      // Numbers where strings may be (ids) cannot hold NUL; a key can.
      const keyed = await inject('POST', url, escaped({ ...(good as object), ['x\u0000']: 1 }));
      assert.equal(keyed.statusCode, 422, keyed.body);
      assert.equal(keyed.json().field, 'body.x\\u0000');
      assert.equal(records('delhaize_shop'), before, 'nothing reached the topic');
    });
  }

  test('POST /users with NUL stores no user; a lone surrogate is not stored as U+FFFD', async () => {
    for (const name of ['A\u0000da', 'A\uD800da']) {
      const res = await inject('POST', '/users', escaped({ name, email: 'nul@example.com' }));
      assert.equal(res.statusCode, 422, res.body);
    }
    const users = await inject('GET', '/users');
    assert.deepEqual(users.json(), []);
  });

  test('path parameters and query strings with NUL are 422 naming them', async () => {
    const cases: [string, string][] = [
      ['/baskets/%00', 'params.id'],
      ['/baskets/a%00b', 'params.id'],
      ['/users/%00', 'params.id'],
      ['/api/summaries/%00', 'params.userId'],
      ['/baskets/count?prefix=%00', 'querystring.prefix'],
      ['/baskets/count?prefix=run&other=%00', 'querystring.other'],
      ['/state?x=%00', 'querystring.x'],
    ];
    for (const [url, field] of cases) {
      const res = await inject('GET', url);
      assert.equal(res.statusCode, 422, `${url}: ${res.body}`);
      assert.equal(res.json().field, field, url);
    }
  });

  test('ids longer than a stored id can be are 422', async () => {
    const long = 'x'.repeat(201);
    for (const [url, field] of [
      [`/baskets/${long}`, 'params.id'],
      [`/users/${long}`, 'params.id'],
      [`/api/summaries/${long}`, 'params.userId'],
    ] as const) {
      const res = await inject('GET', url);
      assert.equal(res.statusCode, 422, `${url}: ${res.body}`);
      assert.equal(res.json().field, field);
    }
    assert.equal((await inject('POST', '/baskets/lookup', JSON.stringify({ ids: [long] }))).statusCode, 422);
    // The longest id a basket may have is found by its path, percent-encoded or not.
    for (const id of ['x'.repeat(200), 'é'.repeat(200), '🛒'.repeat(100)]) {
      const res = await inject('GET', `/baskets/${encodeURIComponent(id)}`);
      assert.equal(res.statusCode, 404, `${id.length} characters: ${res.body}`);
    }
  });

  test('a malformed percent-encoding is a 400 in the one error format', async () => {
    for (const url of ['/baskets/%ED%A0%80', '/baskets/%', '/%zz']) {
      const res = await inject('GET', url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['error', 'field', 'message', 'statusCode'], res.body);
      assert.equal(body.field, 'url');
    }
  });
});
