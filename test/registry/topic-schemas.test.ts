// The services' topics as registry subjects: which topics get one and of what
// type, registering them on a real registry (unchanged: same ids; a breaking
// change: an error naming the topic), over HTTP as `tributary api` does, and
// the embedded .proto text kept equal to proto/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { SchemaRegistry as Client } from '@kafkajs/confluent-schema-registry';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { repoRoot } from '../helpers/paths.js';
import { startRegistry, type RunningRegistry } from '../../src/registry/server.js';
import { registerTopicSchemas, SchemaContractError, topicSchemas } from '../../src/registry/topic-schemas.js';
import { httpSchemaTarget } from '../../src/registry/http-target.js';
import { PROTO_SOURCES } from '../../src/gen/proto-sources.js';
import { createServices, serviceContext } from '../../src/runtime/system.js';
import { topic } from '../../src/stream/topic.js';

let broker: TestBroker;
let registry: RunningRegistry;
const log = pino({ level: 'silent' });

const serviceTopics = () => createServices(serviceContext({ kafka: { brokers: [broker.address], clientId: 'schemas-test' }, log })).flatMap((s) => s.app.allTopics());

before(async () => {
  broker = await startTestBroker();
  registry = await startRegistry({ kafka: { brokers: [broker.address], clientId: 'schemas-test' }, log, port: 0 });
});

after(async () => {
  await registry.close();
  await broker.destroy();
});

test('every topic with a value contract is a subject: JSON Schema from zod, Protobuf from proto/', () => {
  const schemas = topicSchemas(serviceTopics());
  const bySubject = new Map(schemas.map((s) => [s.subject, s]));
  assert.equal(bySubject.get('Users-value')?.schemaType, 'PROTOBUF');
  assert.match(bySubject.get('Users-value')!.schema, /message BackendApiActivity \{/);
  for (const name of ['delhaize_shop-value', 'soccer_players-value', 'state-value', 'input_topic-value', 'output_topic-value']) {
    assert.equal(bySubject.get(name)?.schemaType, 'JSON', name);
    assert.equal(typeof JSON.parse(bySubject.get(name)!.schema), 'object');
  }
  assert.ok(!schemas.some((s) => s.topic.endsWith('.dlq')), 'dead-letter topics hold raw bytes: no contract');
});

test('registering twice keeps every id; a breaking change throws naming the topic', async () => {
  const schemas = topicSchemas(serviceTopics());
  const first = await registerTopicSchemas(registry.registry, schemas);
  assert.equal(first.length, schemas.length);
  const second = await registerTopicSchemas(registry.registry, topicSchemas(serviceTopics()));
  assert.deepEqual(second.map((r) => [r.subject, r.id, r.version]), first.map((r) => [r.subject, r.id, r.version]));

  // A consumer of `state` would not read the old records under the new schema: BACKWARD refuses it.
  const changed = topic('state', { schema: z.object({ state: z.number(), owner: z.string() }) });
  await assert.rejects(registerTopicSchemas(registry.registry, topicSchemas([changed])), (err: unknown) => {
    assert.ok(err instanceof SchemaContractError, String(err));
    assert.equal(err.topic, 'state');
    assert.equal(err.subject, 'state-value');
    assert.match(err.message, /topic "state".*incompatible/);
    return true;
  });
});

test('over HTTP: the same ids, Confluent\'s client decodes by them, a refusal is the same error', async () => {
  const target = httpSchemaTarget(registry.url);
  const schemas = topicSchemas(serviceTopics());
  const inProcess = await registerTopicSchemas(registry.registry, schemas);
  const overHttp = await registerTopicSchemas(target, schemas);
  assert.deepEqual(overHttp.map((r) => r.id), inProcess.map((r) => r.id));
  const users = overHttp.find((r) => r.subject === 'Users-value')!;
  const client = new Client({ host: registry.url });
  assert.equal(await client.getLatestSchemaId('Users-value'), users.id);
  const changed = topic('soccer_players', { schema: z.object({ rating: z.number() }) });
  await assert.rejects(registerTopicSchemas(target, topicSchemas([changed])), SchemaContractError);
});

test('the embedded .proto text is proto/ as it is (npm run generate:proto after a change)', () => {
  const dir = path.join(repoRoot, 'proto');
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const files = walk(dir).filter((f) => f.endsWith('.proto')).sort();
  assert.deepEqual(PROTO_SOURCES.map((p) => p.file), files.map((f) => path.relative(dir, f)));
  for (const p of PROTO_SOURCES) assert.equal(p.source, fs.readFileSync(path.join(dir, p.file), 'utf8'), p.file);
});
