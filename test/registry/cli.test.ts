// `tributary schema-registry` as a user runs it (a child process on port 0),
// and `tributary schemas list|get|register|check` against it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import { runCli, spawnCli, type CliProcess } from '../helpers/cli.js';

let broker: TestBroker;
let server: CliProcess;
let url: string;
let dir: string;

before(async () => {
  broker = await startTestBroker();
  dir = tempDir('tributary-schemas-');
  server = spawnCli(['schema-registry', '--brokers', broker.address, '--port', '0'], { env: { LOG_LEVEL: 'warn' } });
  url = (await server.ready(/Schema registry on (http:\/\/\S+) \(topic _schemas\)/))[1]!;
});

after(async () => {
  await server?.stop();
  await broker.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

const schemas = (args: string[]) => runCli(['schemas', ...args], { env: { SCHEMA_REGISTRY_URL: url } });

test('register, list, get and check schemas from the command line', async () => {
  const v1 = path.join(dir, 'order.proto');
  fs.writeFileSync(v1, 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; }\n');
  const registered = await schemas(['register', 'orders-value', '--file', v1]);
  assert.equal(registered.code, 0, registered.stderr);
  const id = Number(/id (\d+)/.exec(registered.stdout)?.[1]);
  assert.ok(id >= 1);

  const listed = await schemas(['list']);
  assert.match(listed.stdout, /^SUBJECT\s+LATEST\s+ID\s+TYPE$/m);
  assert.match(listed.stdout, new RegExp(`^orders-value\\s+1\\s+${id}\\s+PROTOBUF$`, 'm'));

  const got = JSON.parse((await schemas(['get', 'orders-value'])).stdout);
  assert.equal(got.id, id);
  assert.equal(got.schemaType, 'PROTOBUF');
  assert.match(JSON.parse((await schemas(['get', '--id', String(id)])).stdout).schema, /message Order/);

  const v2 = path.join(dir, 'order-v2.proto');
  fs.writeFileSync(v2, 'syntax = "proto3";\npackage shop;\nmessage Order { int32 id = 1; }\n');
  const bad = await schemas(['check', 'orders-value', '--file', v2]);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /NOT compatible[\s\S]*FIELD_SCALAR_KIND_CHANGED/);
  const good = await schemas(['check', 'orders-value', '--version', 'latest', '--schema', 'syntax = "proto3";\npackage shop;\nmessage Order { string id = 1; bool paid = 2; }', '--type', 'protobuf']);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /^compatible with orders-value$/m);

  const refused = await schemas(['register', 'orders-value', '--file', v2]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /409 Schema being registered is incompatible/);
  const missing = await schemas(['get', 'nobody']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /40401 Subject 'nobody' not found/);
});
