// `tributary start` with SCHEMA_REGISTRY_PORT also serves the schema registry,
// on the embedded broker it started, names it in its banner and registers
// every topic's value schema in it; a registered schema the code's no longer
// follows stops the next start, naming the topic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tempDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli.js';

const CONTENT_TYPE = { 'content-type': 'application/vnd.schemaregistry.v1+json' };

async function call(url: string, method: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method, headers: CONTENT_TYPE, body: JSON.stringify(body) });
  return res.json();
}

test('tributary start serves the schema registry on SCHEMA_REGISTRY_PORT with the topics\' schemas in it', async () => {
  const dir = tempDir('tributary-start-registry-');
  const env = { LOG_LEVEL: 'warn', DATA_DIR: dir, PORT: '0', BROKER_PORT: '0', SCHEMA_REGISTRY_PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: '', HOST: '' };
  const app = spawnCli(['start'], { env });
  try {
    const [, url] = await app.ready(/Schemas\s+(http:\/\/\S+) \(schema registry, topic _schemas\)[\s\S]*Press Ctrl\+C/);
    const subjects = (await (await fetch(`${url}/subjects`)).json()) as string[];
    for (const s of ['Users-value', 'delhaize_shop-value', 'soccer_players-value', 'state-value']) assert.ok(subjects.includes(s), `${s} in ${subjects.join(', ')}`);
    const users = (await (await fetch(`${url}/subjects/Users-value/versions/latest`)).json()) as { schemaType: string; schema: string };
    assert.equal(users.schemaType, 'PROTOBUF');
    assert.match(users.schema, /message BackendApiActivity/);
    const { id } = (await call(`${url}/subjects/greetings-value/versions`, 'POST', { schemaType: 'JSON', schema: '{"type":"string"}' })) as { id: number };
    assert.ok(id > subjects.length - 1, 'the services registered first');

    // The subject is replaced by a `state` contract the code does not follow (its state a string, not a number).
    await fetch(`${url}/subjects/state-value`, { method: 'DELETE' });
    await fetch(`${url}/subjects/state-value?permanent=true`, { method: 'DELETE' });
    const other = { type: 'object', properties: { state: { type: 'string' } }, required: ['state'] };
    await call(`${url}/subjects/state-value/versions`, 'POST', { schemaType: 'JSON', schema: JSON.stringify(other) });
  } finally {
    assert.equal(await app.stop(), 0, app.output());
  }
  const again = spawnCli(['start'], { env });
  try {
    const code = await again.exited();
    assert.notEqual(code, 0, again.output());
    assert.match(again.output(), /topic "state": its value schema cannot be registered as state-value: .*incompatible/);
  } finally {
    await again.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
