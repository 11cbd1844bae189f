// `tributary start` with SCHEMA_REGISTRY_PORT also serves the schema registry,
// on the embedded broker it started, and names it in its banner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tempDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli.js';

test('tributary start serves the schema registry on SCHEMA_REGISTRY_PORT', async () => {
  const dir = tempDir('tributary-start-registry-');
  const app = spawnCli(['start'], { env: { LOG_LEVEL: 'warn', DATA_DIR: dir, PORT: '0', BROKER_PORT: '0', SCHEMA_REGISTRY_PORT: '0', KAFKA_BROKERS: '', DATABASE_URL: '', HOST: '' } });
  try {
    const [, url] = await app.ready(/Schemas\s+(http:\/\/\S+) \(schema registry, topic _schemas\)[\s\S]*Press Ctrl\+C/);
    const res = await fetch(`${url}/subjects/greetings-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schemaType: 'JSON', schema: '{"type":"string"}' }),
    });
    assert.deepEqual(await res.json(), { id: 1 });
    assert.deepEqual(await (await fetch(`${url}/subjects`)).json(), ['greetings-value']);
  } finally {
    assert.equal(await app.stop(), 0, app.output());
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
