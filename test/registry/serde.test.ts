// The stream library's Confluent wire-format serde against Confluent's client
// for Node and our registry: what one encodes the other decodes, for
// Protobuf (message indexes) and JSON Schema; framing errors are
// DeserializationErrors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { SchemaRegistry as Client, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { repoRoot } from '../helpers/paths.js';
import { startRegistry, type RunningRegistry } from '../../src/registry/server.js';
import { confluent, confluentSchemaId, DeserializationError, json, protobuf } from '../../src/stream/index.js';
import { encodeIndexes } from '../../src/stream/confluent-serde.js';
import { BackendApiActivitySchema } from '../../src/gen/tributary/activity/v1/activity_pb.js';

let broker: TestBroker;
let registry: RunningRegistry;

before(async () => {
  broker = await startTestBroker();
  registry = await startRegistry({ kafka: { brokers: [broker.address], clientId: 'serde-test' }, log: pino({ level: 'silent' }), port: 0 });
});

after(async () => {
  await registry.close();
  await broker.destroy();
});

test('a protobuf value framed by the serde is decoded by the Confluent client, and back', async () => {
  const proto = fs.readFileSync(path.join(repoRoot, 'proto/tributary/activity/v1/activity.proto'), 'utf8');
  const client = new Client({ host: registry.url });
  const { id } = await client.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject: 'Users-value' });
  const serde = confluent(protobuf(BackendApiActivitySchema), { schemaId: id });
  const plain = protobuf(BackendApiActivitySchema);
  const bytes = serde.encode(plain.create({ endpoint: '/users', httpMethod: 'GET' }));
  assert.equal(confluentSchemaId(bytes), id);
  assert.equal(bytes[5], 0, 'message index [0] is the single byte 0');
  const decoded = (await client.decode(bytes)) as { endpoint: string; httpMethod: string };
  assert.equal(decoded.endpoint, '/users');
  assert.equal(decoded.httpMethod, 'GET');
  // Framed as Confluent's serializers frame it: magic byte, id, index [0], message.
  const header = Buffer.alloc(6);
  header.writeInt32BE(id, 1);
  assert.equal(serde.decode(Buffer.concat([header, plain.encode(plain.create({ endpoint: '/x' }))])).endpoint, '/x');
});

test('a JSON value encoded by the Confluent client is decoded by the serde, and back', async () => {
  const client = new Client({ host: registry.url });
  const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
  const { id } = await client.register({ type: SchemaType.JSON, schema: JSON.stringify(schema) }, { subject: 'numbers-value' });
  const serde = confluent(json<{ n: number }>(), { schemaId: id, accept: (i) => i === id });
  assert.deepEqual(serde.decode(await client.encode(id, { n: 42 })), { n: 42 });
  assert.deepEqual(await client.decode(serde.encode({ n: 7 })), { n: 7 });
  assert.throws(() => serde.decode(Buffer.from('{"n":1}')), DeserializationError);
  assert.throws(() => confluent(json(), { schemaId: id, accept: () => false }).decode(serde.encode({ n: 1 })), /not one this topic takes/);
});

test('message indexes: [0] is one byte, others a zigzag count and path', () => {
  assert.deepEqual([...encodeIndexes([0])], [0]);
  assert.deepEqual([...encodeIndexes([1, 2])], [4, 2, 4]);
  const serde = confluent(protobuf(BackendApiActivitySchema), { schemaId: 3, messageIndexes: [1, 70] });
  const value = protobuf(BackendApiActivitySchema).create({ endpoint: '/x' });
  assert.equal(serde.decode(serde.encode(value)).endpoint, '/x');
  assert.throws(() => serde.decode(Buffer.from([0, 0, 0, 0, 3, 0x81])), DeserializationError);
});
