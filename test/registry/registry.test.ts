// The schema registry on the embedded broker, driven by Confluent's client for
// Node (@kafkajs/confluent-schema-registry) and plain HTTP: register, fetch by
// id, encode and decode JSON Schema and Protobuf, a BACKWARD-incompatible
// change refused with 409, deletes, the levels, Confluent's error bodies; a
// restart keeps every subject and id; two registries on one cluster agree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { SchemaRegistry as Client, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startRegistry, type RunningRegistry } from '../../src/registry/server.js';

let broker: TestBroker;
const running: RunningRegistry[] = [];
const log = pino({ level: 'silent' });

async function registry(topic = '_schemas'): Promise<RunningRegistry> {
  const r = await startRegistry({ kafka: { brokers: [broker.address], clientId: 'registry-test' }, log, port: 0, topic });
  running.push(r);
  return r;
}

async function call(r: RunningRegistry, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${r.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

before(async () => {
  broker = await startTestBroker();
});

after(async () => {
  for (const r of running) await r.close();
  await broker.destroy();
});

const person = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] };

test('the client registers a JSON Schema, fetches it by id, encodes and decodes', async () => {
  const r = await registry();
  const client = new Client({ host: r.url });
  const { id } = await client.register({ type: SchemaType.JSON, schema: JSON.stringify(person) }, { subject: 'people-value' });
  assert.ok(id >= 1);
  const again = await client.register({ type: SchemaType.JSON, schema: JSON.stringify(person, null, 2) }, { subject: 'people-value' });
  assert.equal(again.id, id, 'the same schema, differently spaced, keeps its id');
  const encoded = await client.encode(id, { name: 'Ada', age: 36 });
  assert.equal(encoded[0], 0);
  assert.equal(encoded.readInt32BE(1), id);
  const fresh = new Client({ host: r.url }); // no cache: decodes through GET /schemas/ids/{id}
  assert.deepEqual(await fresh.decode(encoded), { name: 'Ada', age: 36 });
  assert.equal(await fresh.getLatestSchemaId('people-value'), id);
  assert.equal(await fresh.getRegistryIdBySchema('people-value', { type: SchemaType.JSON, schema: JSON.stringify(person) }), id);
  await assert.rejects(client.encode(id, { age: 3 }), /invalid payload/);
});

test('a BACKWARD-incompatible change is refused with 409; a compatible one is the next version', async () => {
  const r = await registry();
  const client = new Client({ host: r.url });
  await client.register({ type: SchemaType.JSON, schema: JSON.stringify(person) }, { subject: 'compat-value' });
  const required = { ...person, required: ['name', 'email'], properties: { ...person.properties, email: { type: 'string' } } };
  const refused = await call(r, 'POST', '/subjects/compat-value/versions', { schemaType: 'JSON', schema: JSON.stringify(required) });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error_code, 409);
  assert.match(refused.body.message, /incompatible.*email.*required by the reader/);
  const check = await call(r, 'POST', '/compatibility/subjects/compat-value/versions/latest?verbose=true', { schemaType: 'JSON', schema: JSON.stringify(required) });
  assert.equal(check.body.is_compatible, false);
  assert.ok(check.body.messages.length > 0);
  // Dropping a constraint is backward compatible.
  const looser = { ...person, required: [] };
  const ok = await call(r, 'POST', '/subjects/compat-value/versions', { schemaType: 'JSON', schema: JSON.stringify(looser) });
  assert.equal(ok.status, 200);
  assert.deepEqual((await call(r, 'GET', '/subjects/compat-value/versions')).body, [1, 2]);
  // With NONE, anything goes.
  assert.deepEqual((await call(r, 'PUT', '/config/compat-value', { compatibility: 'NONE' })).body, { compatibility: 'NONE' });
  assert.equal((await call(r, 'POST', '/subjects/compat-value/versions', { schemaType: 'JSON', schema: JSON.stringify(required) })).status, 200);
});

const protoV1 = `syntax = "proto3";
package shop;
message Order {
  string id = 1;
  int64 cents = 2;
}`;

test('Protobuf: register, encode and decode with the client; a changed field type is refused', async () => {
  const r = await registry();
  const client = new Client({ host: r.url });
  const { id } = await client.register({ type: SchemaType.PROTOBUF, schema: protoV1 }, { subject: 'orders-value' });
  const encoded = await client.encode(id, { id: 'o-1', cents: 1250 });
  const decoded = (await new Client({ host: r.url }).decode(encoded)) as { id: string; cents: { toString(): string } };
  assert.equal(decoded.id, 'o-1');
  assert.equal(decoded.cents.toString(), '1250');
  const added = protoV1.replace('}', '  string note = 3;\n}');
  assert.equal((await call(r, 'POST', '/subjects/orders-value/versions', { schemaType: 'PROTOBUF', schema: added })).status, 200);
  const changed = added.replace('string id = 1', 'double id = 1');
  const refused = await call(r, 'POST', '/subjects/orders-value/versions', { schemaType: 'PROTOBUF', schema: changed });
  assert.equal(refused.status, 409);
  assert.match(refused.body.message, /FIELD_KIND_CHANGED|FIELD_SCALAR_KIND_CHANGED/);
  const invalid = await call(r, 'POST', '/subjects/orders-value/versions', { schemaType: 'PROTOBUF', schema: 'message {' });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.body.error_code, 42201);
});

test('references: a Protobuf file importing another registered one', async () => {
  const r = await registry();
  const money = 'syntax = "proto3";\npackage shop;\nmessage Money { int64 cents = 1; string currency = 2; }';
  const m = await call(r, 'POST', '/subjects/money/versions', { schemaType: 'PROTOBUF', schema: money });
  assert.equal(m.status, 200);
  const invoice = 'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Invoice { string id = 1; Money amount = 2; }';
  const references = [{ name: 'money.proto', subject: 'money', version: 1 }];
  const i = await call(r, 'POST', '/subjects/invoices-value/versions', { schemaType: 'PROTOBUF', schema: invoice, references });
  assert.equal(i.status, 200, JSON.stringify(i.body));
  const client = new Client({ host: r.url });
  const encoded = await client.encode(i.body.id, { id: 'i-1', amount: { cents: 5, currency: 'EUR' } });
  const decoded = (await new Client({ host: r.url }).decode(encoded)) as { amount: { currency: string } };
  assert.equal(decoded.amount.currency, 'EUR');
  assert.deepEqual((await call(r, 'GET', '/subjects/money/versions/1/referencedby')).body, [i.body.id]);
  const blocked = await call(r, 'DELETE', '/subjects/money/versions/1');
  assert.equal(blocked.body.error_code, 42206);
  const missing = await call(r, 'POST', '/subjects/other-value/versions', { schemaType: 'PROTOBUF', schema: invoice, references: [{ name: 'money.proto', subject: 'money', version: 9 }] });
  assert.equal(missing.body.error_code, 42201);
});

test('Avro: compatibility by schema resolution', async () => {
  const r = await registry();
  const v1 = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] };
  const withDefault = { ...v1, fields: [...v1.fields, { name: 'age', type: 'int', default: 0 }] };
  const withoutDefault = { ...v1, fields: [...v1.fields, { name: 'email', type: 'string' }] };
  assert.equal((await call(r, 'POST', '/subjects/users-avro/versions', { schema: JSON.stringify(v1) })).status, 200);
  assert.equal((await call(r, 'POST', '/subjects/users-avro/versions', { schema: JSON.stringify(withoutDefault) })).status, 409);
  const ok = await call(r, 'POST', '/subjects/users-avro/versions', { schema: JSON.stringify(withDefault) });
  assert.equal(ok.status, 200);
  const client = new Client({ host: r.url });
  assert.deepEqual({ ...((await client.decode(await client.encode(ok.body.id, { name: 'Bo', age: 3 }))) as object) }, { name: 'Bo', age: 3 });
});

test('Confluent error codes, deletes and levels', async () => {
  const r = await registry();
  assert.deepEqual(await call(r, 'GET', '/subjects/nope/versions'), { status: 404, body: { error_code: 40401, message: "Subject 'nope' not found." } });
  assert.equal((await call(r, 'GET', '/schemas/ids/99999')).body.error_code, 40403);
  const { body } = await call(r, 'POST', '/subjects/del-value/versions', { schemaType: 'JSON', schema: '{"type":"string"}' });
  assert.equal((await call(r, 'GET', '/subjects/del-value/versions/7')).body.error_code, 40402);
  assert.equal((await call(r, 'GET', '/subjects/del-value/versions/zero')).body.error_code, 42202);
  assert.equal((await call(r, 'GET', '/config/del-value')).body.error_code, 40408);
  assert.deepEqual((await call(r, 'GET', '/config/del-value?defaultToGlobal=true')).body, { compatibilityLevel: 'BACKWARD' });
  assert.equal((await call(r, 'PUT', '/config', { compatibility: 'SIDEWAYS' })).body.error_code, 42203);
  assert.equal((await call(r, 'POST', '/subjects/del-value/versions', { schemaType: 'JSON', schema: '{"type":' })).body.error_code, 42201);
  assert.equal((await call(r, 'DELETE', '/subjects/del-value?permanent=true')).body.error_code, 40405);
  assert.deepEqual((await call(r, 'DELETE', '/subjects/del-value')).body, [1]);
  assert.equal((await call(r, 'DELETE', '/subjects/del-value')).body.error_code, 40404);
  assert.ok(!(await call(r, 'GET', '/subjects')).body.includes('del-value'));
  assert.ok((await call(r, 'GET', '/subjects?deleted=true')).body.includes('del-value'));
  assert.equal((await call(r, 'GET', `/schemas/ids/${body.id}`)).status, 200, 'a soft-deleted version keeps its id');
  assert.deepEqual((await call(r, 'DELETE', '/subjects/del-value?permanent=true')).body, [1]);
  assert.equal((await call(r, 'GET', `/schemas/ids/${body.id}`)).body.error_code, 40403);
  const next = await call(r, 'POST', '/subjects/del-value/versions', { schemaType: 'JSON', schema: '{"type":"number"}' });
  assert.ok(next.body.id > body.id, 'ids are never reused');
});

test('a restarted registry keeps every subject and id; two registries on one cluster give the same ids', async () => {
  const topic = '_schemas-shared';
  const a = await registry(topic);
  const b = await registry(topic);
  const ids: number[] = [];
  // Alternate writers, and race them: ids are assigned in the topic's order.
  for (let i = 0; i < 4; i++) {
    const [x, y] = await Promise.all([
      call(a, 'POST', `/subjects/a-${i}/versions`, { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', title: `a${i}` }) }),
      call(b, 'POST', `/subjects/b-${i}/versions`, { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', title: `b${i}` }) }),
    ]);
    ids.push(x.body.id, y.body.id);
  }
  assert.equal(new Set(ids).size, 8, `eight schemas, eight ids: ${ids}`);
  // The same schema registered through either gets the one id.
  const same = JSON.stringify({ type: 'string', title: 'shared' });
  const [p, q] = await Promise.all([
    call(a, 'POST', '/subjects/s1/versions', { schemaType: 'JSON', schema: same }),
    call(b, 'POST', '/subjects/s2/versions', { schemaType: 'JSON', schema: same }),
  ]);
  assert.equal(p.body.id, q.body.id);
  for (const id of [...ids, p.body.id]) {
    assert.deepEqual((await call(a, 'GET', `/schemas/ids/${id}`)).body, (await call(b, 'GET', `/schemas/ids/${id}`)).body);
  }
  // Many writers on one subject: every race for the next version is settled once, the same for both.
  await call(a, 'PUT', '/config/contended', { compatibility: 'NONE' });
  const contended = await Promise.all(
    Array.from({ length: 12 }, (_, i) => call(i % 2 ? a : b, 'POST', '/subjects/contended/versions', { schemaType: 'JSON', schema: JSON.stringify({ const: i }) })),
  );
  assert.ok(contended.every((r) => r.status === 200), JSON.stringify(contended));
  const versionsA = (await call(a, 'GET', '/subjects/contended/versions')).body;
  assert.deepEqual(versionsA, Array.from({ length: 12 }, (_, i) => i + 1));
  for (const v of versionsA) assert.deepEqual((await call(a, 'GET', `/subjects/contended/versions/${v}`)).body, (await call(b, 'GET', `/subjects/contended/versions/${v}`)).body);
  assert.equal(new Set(contended.map((r) => r.body.id)).size, 12);
  const before = (await call(a, 'GET', '/subjects')).body as string[];
  const versionsBefore = await Promise.all(before.map((s) => call(a, 'GET', `/subjects/${s}/versions/latest`)));
  await a.close();
  await b.close();
  running.splice(running.indexOf(a), 1);
  running.splice(running.indexOf(b), 1);
  const c = await registry(topic);
  assert.deepEqual((await call(c, 'GET', '/subjects')).body, before);
  const versionsAfter = await Promise.all(before.map((s) => call(c, 'GET', `/subjects/${s}/versions/latest`)));
  assert.deepEqual(versionsAfter.map((v) => v.body), versionsBefore.map((v) => v.body));
});
