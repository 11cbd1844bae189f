// fast-check arbitraries derived from the OpenAPI document the server serves
// at /docs/json: for each operation, requests that its schema accepts (valid
// bodies, path parameters and query strings) and requests it must refuse
// (one leaf replaced by a wrong type, NUL, a lone surrogate, a huge number or a
// long string; a required field dropped; an unknown key; odd paths, query
// strings and methods). Only the JSON Schema keywords the routes use are read.
import fc from 'fast-check';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface Operation {
  method: string;
  /** OpenAPI path, e.g. /users/{id}. */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body?: JsonSchema;
}

export interface FuzzRequest {
  kind: string;
  op?: Operation;
  method: string;
  url: string;
  /** A JSON value (sent as JSON) or raw text (sent as is). */
  body?: { json: unknown } | { raw: string; contentType: string };
}

export function operations(doc: { paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required ?? false, schema: p.schema })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return out;
}

/** Keeps generated values small: arrays of a few items, integers mostly near their minimum. */
const FEW = 4;

export function valid(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map(valid));
  switch (schema.type) {
    case 'string':
      return validString(schema);
    case 'integer': {
      const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
      const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
      // The whole range now and then (a count of 10,000 players is slow on purpose).
      return fc.oneof({ weight: 49, arbitrary: fc.integer({ min, max: Math.min(max, Math.max(min, 0) + 20) }) }, { weight: 1, arbitrary: fc.integer({ min, max }) });
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e12, max: schema.maximum ?? 1e12, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? FEW, FEW)) });
    case 'object': {
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valid(s)])), {
        requiredKeys: Object.keys(props).filter((k) => required.has(k)),
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 1000;
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (schema.format === 'email') return fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}$/), fc.constantFrom('example.com', 'test.org', 'a.b.co')).map(([u, d]) => `${u.replace(/\.+/g, '.').replace(/\.$/, '')}x@${d}`);
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: Math.min(max, 30) }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 20) }) },
      { weight: 1, arbitrary: fc.constantFrom('apple', 'An Apple', 'bread', 'Beers', '42', '0', 'count', 'lookup', 'é', '🛒', ' x ') },
    )
    .filter(fits);
}

/** Values no storable, well-typed field takes. */
export const BAD_LEAVES: fc.Arbitrary<unknown> = fc.constantFrom(
  'a\u0000b',
  '\u0000',
  'x\uD800',
  '\uDC00y',
  '\uDBFF',
  'x'.repeat(201),
  'y'.repeat(70_000),
  1e308,
  -1e308,
  2 ** 53 + 2,
  -(2 ** 60),
  1.5,
  -1,
  0,
  true,
  null,
  [],
  {},
  [1, 'a\u0000'],
  { '\u0000': 1 },
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a node of a JSON value (the root included). */
function nodes(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => nodes(v, [...path, i])));
  if (value && typeof value === 'object') return here.concat(...Object.entries(value).map(([k, v]) => nodes(v, [...path, k])));
  return here;
}

function setAt(value: unknown, path: (string | number)[], leaf: unknown, remove = false): unknown {
  if (path.length === 0) return leaf;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let at: Record<string | number, Json> = copy;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else at[last] = leaf as Json;
  return copy;
}

/** A valid value with one node replaced by a bad leaf, dropped, or given an unknown sibling. */
export function mutated(schema: JsonSchema): fc.Arbitrary<unknown> {
  return valid(schema).chain((v) => {
    const paths = nodes(v);
    return fc.tuple(fc.constantFrom(...paths), BAD_LEAVES, fc.constantFrom('replace', 'replace', 'replace', 'drop', 'extra-key')).map(([path, leaf, how]) => {
      if (how === 'drop' && path.length > 0) return setAt(v, path, undefined, true);
      if (how === 'extra-key' && v && typeof v === 'object' && !Array.isArray(v)) return { ...(v as object), ['zz\u0000']: leaf };
      return setAt(v, path, leaf);
    });
  });
}

/** Percent-encodes a path segment or query value (a lone surrogate, which cannot be, as U+FFFD). */
const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

/** Raw path segments that are not a plain id. */
const ODD_SEGMENTS = fc.constantFrom('%00', '%', '%zz', '%ED%A0%80', '%C0%80', '..', '.', '%2F', '%2e%2e', 'a%00b', 'x'.repeat(2000), '%F0%9F%9B%92', '', '%20');

function buildUrl(op: Operation, params: Record<string, string>, query: string): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => params[name] ?? 'x');
  return query ? `${path}?${query}` : path;
}

function validQuery(op: Operation): fc.Arbitrary<string> {
  if (op.query.length === 0) return fc.constant('');
  return fc
    .tuple(...op.query.map((q) => (q.required ? valid(q.schema) : fc.option(valid(q.schema), { nil: undefined })).map((v) => (v === undefined ? '' : `${q.name}=${encode(String(v))}`))))
    .map((parts) => parts.filter(Boolean).join('&'));
}

const ODD_QUERY = fc.oneof(
  fc.constantFrom('x=%00', 'prefix=%00', 'prefix=', 'prefix', '=', '&&', 'a[b]=1', 'prefix=a&prefix=b', '%zz=1', 'prefix=%ED%A0%80', `prefix=${'p'.repeat(300)}`, '__proto__=1', 'constructor[prototype]=1'),
  fc.string({ maxLength: 30 }).map(encode),
);

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Any request the fuzz suite sends, for the server's operations. */
export function fuzzRequest(ops: Operation[]): fc.Arbitrary<FuzzRequest> {
  // Writes about as often as every other route together: what they keep is what the suite checks.
  const op = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...ops) }, { weight: 1, arbitrary: fc.constantFrom(...ops.filter((o) => o.method === 'POST')) });
  const params = (o: Operation, odd: boolean) =>
    fc
      .tuple(...o.pathParams.map((p) => (odd ? fc.oneof(ODD_SEGMENTS, valid(p.schema).map((v) => encode(String(v)))) : valid(p.schema).map((v) => encode(String(v))))))
      .map((values) => Object.fromEntries(o.pathParams.map((p, i) => [p.name, values[i]!])));
  const good = op.chain((o) =>
    fc.record({ params: params(o, false), query: validQuery(o), body: o.body ? valid(o.body) : fc.constant(undefined) }).map(
      ({ params: ps, query, body }): FuzzRequest => ({ kind: 'valid', op: o, method: o.method, url: buildUrl(o, ps, query), ...(o.body ? { body: { json: body } } : {}) }),
    ),
  );
  const badBody = fc.constantFrom(...ops.filter((o) => o.body)).chain((o) =>
    fc.oneof(
      { weight: 4, arbitrary: mutated(o.body!).map((json) => ({ json })) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.constantFrom('{"id": 1, ', '', 'null', '[]', '"x"', '{"count": 1e999}', '{"ids": [1e999]}', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {}}}').map((raw) => ({ raw, contentType: 'application/json' })),
          fc.string({ maxLength: 40 }).map((raw) => ({ raw, contentType: 'application/json' })),
          fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data', 'application/jsonx').map((contentType) => ({ raw: '{"count":1}', contentType })),
        ),
      },
    ).map((body): FuzzRequest => ({ kind: 'bad-body', op: o, method: o.method, url: buildUrl(o, {}, ''), body })),
  );
  const oddPath = op.chain((o) =>
    fc.tuple(params(o, true), fc.oneof(validQuery(o), ODD_QUERY)).map(([ps, query]): FuzzRequest => ({ kind: 'odd-path-or-query', op: o, method: o.method, url: buildUrl(o, ps, query), ...(o.body ? { body: { json: {} } } : {}) })),
  );
  const wrongMethod = fc.tuple(op, fc.constantFrom(...METHODS)).map(([o, method]): FuzzRequest => ({ kind: 'any-method', op: o, method, url: buildUrl(o, {}, '') }));
  const unknown = fc
    .tuple(fc.constantFrom(...METHODS), fc.array(fc.oneof(ODD_SEGMENTS, fc.string({ maxLength: 12 }).map(encode)), { minLength: 1, maxLength: 4 }))
    .map(([method, segments]): FuzzRequest => ({ kind: 'unknown-path', method, url: `/${segments.join('/')}` }));
  return fc.oneof({ weight: 5, arbitrary: good }, { weight: 4, arbitrary: badBody }, { weight: 2, arbitrary: oddPath }, { weight: 1, arbitrary: wrongMethod }, { weight: 1, arbitrary: unknown });
}
