// The compatibility rules per schema type, without a broker: properties of
// the JSON Schema checker (whatever it calls compatible really is, by ajv's
// judgement on generated documents; widening a schema is compatible; every
// schema reads itself), Protobuf's wire rules and Avro's resolution, and how
// the levels pick the versions and directions to check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Ajv } from 'ajv';
import { compatibilityProblems, parseSchema, type Parsed } from '../../src/registry/compat/index.js';
import { jsonSchemaProblems } from '../../src/registry/compat/json-schema.js';
import type { SchemaType } from '../../src/registry/records.js';

type Schema = boolean | Record<string, unknown>;
const side = (schema: Schema) => ({ schema: schema as never, references: new Map() });
const problems = (reader: Schema, writer: Schema) => jsonSchemaProblems(side(reader), side(writer));
const parse = (schemaType: SchemaType, schema: string, references = new Map<string, string>()): Parsed => parseSchema({ schemaType, schema, references });

const KEYS = ['a', 'b', 'c'] as const;
const { schema: schemaArb } = fc.letrec<{ schema: Schema }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Schema>({}, true, false, { type: 'string' }, { type: 'integer' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }, { type: ['string', 'null'] }),
    fc.record({ type: fc.constant('string'), minLength: fc.nat(3), maxLength: fc.integer({ min: 1, max: 6 }) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constantFrom('number', 'integer'), minimum: fc.integer({ min: -3, max: 3 }), maximum: fc.integer({ min: -3, max: 8 }) }, { requiredKeys: ['type'] }),
    fc.record({ enum: fc.uniqueArray(fc.constantFrom<unknown>(0, 1, 2.5, 'a', 'abcdef', null, true), { minLength: 1, maxLength: 3 }) }),
    fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(fc.constantFrom(...KEYS), tie('schema'), { maxKeys: 3, noNullPrototype: true }),
        required: fc.subarray([...KEYS]),
        additionalProperties: fc.oneof(fc.boolean(), tie('schema')),
      },
      { requiredKeys: ['type'] },
    ),
    fc.record({ type: fc.constant('array'), items: tie('schema'), minItems: fc.nat(2), maxItems: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ['type'] }),
    fc.record({ anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }),
  ),
}));
const { value: documentArb } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom<unknown>(null, true, false, 0, 1, -2, 2.5, 7, '', 'a', 'abcdef'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

/** The schema with its constraints dropped (required, bounds, closed models), recursively: it accepts more. */
function widen(s: Schema): Schema {
  if (typeof s === 'boolean') return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (['required', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'].includes(k)) continue;
    if (k === 'additionalProperties') out[k] = v === false ? true : widen(v as Schema);
    else if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, widen(ps as Schema)]));
    else if (k === 'items') out[k] = widen(v as Schema);
    else if (k === 'anyOf') out[k] = (v as Schema[]).map(widen);
    else out[k] = v;
  }
  return out;
}

test('JSON Schema: what the checker calls compatible is, for every generated document the writer accepts', () => {
  const ajv = new Ajv({ strict: false });
  fc.assert(
    fc.property(schemaArb, schemaArb, fc.array(documentArb, { minLength: 20, maxLength: 40 }), (reader, writer, docs) => {
      if (problems(reader, writer).length > 0) return;
      const [readerOk, writerOk] = [ajv.compile(reader as object), ajv.compile(writer as object)];
      for (const doc of docs) if (writerOk(doc)) assert.ok(readerOk(doc), `${JSON.stringify(doc)} is valid under ${JSON.stringify(writer)}, not under ${JSON.stringify(reader)}`);
    }),
    { numRuns: 400 },
  );
});

test('JSON Schema: a widened reader reads every writer, and every schema reads itself', () => {
  fc.assert(
    fc.property(schemaArb, (s) => {
      assert.deepEqual(problems(s, s), []);
      assert.deepEqual(problems(widen(s), s), []);
    }),
    { numRuns: 400 },
  );
});

test('JSON Schema: the named rules', () => {
  const open = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
  const closed = { ...open, additionalProperties: false };
  const addRequired = (s: object) => ({ ...s, properties: { name: { type: 'string' }, email: { type: 'string' } }, required: ['name', 'email'] });
  const addOptional = (s: object) => ({ ...s, properties: { name: { type: 'string' }, email: { type: 'string' } } });
  assert.match(problems(addRequired(closed), closed).join(), /email: required by the reader/);
  assert.match(problems(addOptional(open), open).join(), /email: added to an open content model/);
  assert.deepEqual(problems(addOptional(closed), closed), [], 'a property added to a closed model is backward compatible');
  assert.deepEqual(problems({ ...open, required: [] }, open), [], 'dropping a requirement is backward compatible');
  assert.match(problems(open, { ...open, required: [] }).join(), /required by the reader/);
  assert.deepEqual(problems({ type: 'number' }, { type: 'integer' }), []);
  assert.match(problems({ type: 'integer' }, { type: 'number' }).join(), /type number/);
  assert.deepEqual(problems({ enum: ['a', 'b', 'c'] }, { enum: ['a', 'b'] }), []);
  assert.match(problems({ enum: ['a'] }, { enum: ['a', 'b'] }).join(), /"b"/);
  const withDefs = { $defs: { n: { type: 'string', maxLength: 5 } }, type: 'object', properties: { a: { $ref: '#/$defs/n' } } };
  const looser = { $defs: { n: { type: 'string' } }, type: 'object', properties: { a: { $ref: '#/$defs/n' } } };
  assert.deepEqual(problems(looser, withDefs), [], '$refs are followed');
  assert.match(problems(withDefs, looser).join(), /maxLength/);
});

const proto = (body: string, pkg = 'shop') => parse('PROTOBUF', `syntax = "proto3";\npackage ${pkg};\n${body}`);
const SCALARS = ['int32', 'uint32', 'int64', 'uint64', 'bool', 'sint32', 'sint64', 'fixed32', 'sfixed32', 'fixed64', 'sfixed64', 'string', 'bytes', 'double', 'float'];
const GROUP = (t: string) => ['int32 uint32 int64 uint64 bool', 'sint32 sint64', 'fixed32 sfixed32', 'fixed64 sfixed64', 'string bytes', 'double', 'float'].findIndex((g) => g.split(' ').includes(t));

test('Protobuf: a scalar field may change type within its wire group only', () => {
  fc.assert(
    fc.property(fc.constantFrom(...SCALARS), fc.constantFrom(...SCALARS), fc.integer({ min: 1, max: 1000 }), (from, to, id) => {
      const p = compatibilityProblems('FULL', proto(`message M { ${to} f = ${id}; }`), [proto(`message M { ${from} f = ${id}; }`)]);
      assert.equal(p.length === 0, GROUP(from) === GROUP(to), `${from} → ${to}: ${p}`);
    }),
  );
});

test('Protobuf: messages, packages, required fields, oneofs', () => {
  const v1 = proto('message A { string x = 1; } message B { int32 y = 1; }');
  assert.deepEqual(compatibilityProblems('FULL', proto('message A { string x = 1; int64 z = 2; } message B { int32 y = 1; }'), [v1]), [], 'a field added');
  assert.match(compatibilityProblems('BACKWARD', proto('message A { string x = 1; }'), [v1]).join(), /MESSAGE_REMOVED: shop.B/);
  assert.match(compatibilityProblems('FORWARD', proto('message A { string x = 1; } message B { int32 y = 1; } message C {}'), [v1]).join(), /MESSAGE_REMOVED: shop.C/);
  assert.match(compatibilityProblems('BACKWARD', proto('message A { string x = 1; } message B { int32 y = 1; }', 'store'), [v1]).join(), /PACKAGE_CHANGED/);
  assert.match(compatibilityProblems('BACKWARD', proto('message A { B x = 1; } message B { int32 y = 1; }'), [v1]).join(), /FIELD_KIND_CHANGED/);
  assert.match(compatibilityProblems('BACKWARD', proto('message A { repeated string x = 1; } message B { int32 y = 1; }'), [v1]).join(), /FIELD_KIND_CHANGED/);
  const two = proto('message A { string x = 1; int32 w = 2; }');
  assert.match(compatibilityProblems('BACKWARD', proto('message A { oneof o { string x = 1; int32 w = 2; } }'), [two]).join(), /MULTIPLE_FIELDS_MOVED_TO_ONEOF/);
  const p2 = (body: string) => parse('PROTOBUF', `syntax = "proto2";\npackage shop;\n${body}`);
  assert.match(compatibilityProblems('BACKWARD', p2('message A { optional string x = 1; required int32 n = 2; }'), [p2('message A { optional string x = 1; }')]).join(), /REQUIRED_FIELD_ADDED/);
  assert.throws(() => proto('message A { Missing m = 1; }'), /Invalid schema/);
});

test('Avro: schema resolution decides, in the direction the level names', () => {
  const v1 = parse('AVRO', JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'n', type: 'string' }] }));
  const noDefault = parse('AVRO', JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'n', type: 'string' }, { name: 'e', type: 'string' }] }));
  const withDefault = parse('AVRO', JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'n', type: 'string' }, { name: 'e', type: 'string', default: '' }] }));
  assert.notDeepEqual(compatibilityProblems('BACKWARD', noDefault, [v1]), []);
  assert.deepEqual(compatibilityProblems('FORWARD', noDefault, [v1]), [], 'old readers ignore the new field');
  assert.deepEqual(compatibilityProblems('FULL', withDefault, [v1]), []);
  assert.throws(() => parse('AVRO', '{"type":"record","name":"X"}'), /Invalid schema/);
});

test('levels: NONE checks nothing, plain levels the latest version, transitive ones every version', () => {
  const s = (schema: object) => parse('JSON', JSON.stringify(schema));
  const v1 = s({ type: 'string', maxLength: 3 });
  const v2 = s({ type: 'string', maxLength: 10 });
  const v3 = s({ type: 'string', maxLength: 5 }); // reads v1's data, not v2's
  assert.notDeepEqual(compatibilityProblems('BACKWARD', v3, [v1, v2]), []);
  assert.deepEqual(compatibilityProblems('BACKWARD', v3, [v1]), []);
  assert.deepEqual(compatibilityProblems('FORWARD', v3, [v1, v2]), [], 'v2 reads what v3 writes');
  assert.notDeepEqual(compatibilityProblems('FORWARD_TRANSITIVE', v3, [v1, v2]), [], 'v1 does not');
  assert.notDeepEqual(compatibilityProblems('FULL', v3, [v1, v2]), []);
  assert.deepEqual(compatibilityProblems('NONE', s({ type: 'null' }), [v1, v2]), []);
  assert.deepEqual(compatibilityProblems('BACKWARD_TRANSITIVE', s({ type: 'string' }), [v1, v2, v3]), []);
  assert.match(compatibilityProblems('BACKWARD', parse('AVRO', '"string"'), [v1]).join(), /schema type changed/);
});
