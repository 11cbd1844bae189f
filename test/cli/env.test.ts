// `.env` loading: values from the file fill what the environment lacks; the
// shell's values win; a missing default file is fine, a missing ENV_FILE is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadDotEnv } from '../../src/cli/env.js';
import { tempDir } from '../helpers/broker.js';
import { nodeArgs } from '../helpers/paths.js';

test('.env fills unset variables and leaves set ones alone', () => {
  const dir = tempDir('tributary-env-');
  try {
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, '# comment\nPORT=8100\nKAFKA_TOPIC="my state"\nTOPICS_PARTITIONS=6\n');
    const env: NodeJS.ProcessEnv = { PORT: '9000' };
    const loaded = loadDotEnv(file, env);
    assert.deepEqual(loaded.sort(), ['KAFKA_TOPIC', 'TOPICS_PARTITIONS']);
    assert.equal(env.PORT, '9000', 'the shell wins');
    assert.equal(env.KAFKA_TOPIC, 'my state');
    assert.equal(env.TOPICS_PARTITIONS, '6');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('no .env is fine; a named ENV_FILE that is missing is an error naming it', () => {
  assert.deepEqual(loadDotEnv('/nonexistent/.env', {}), []);
  assert.throws(() => loadDotEnv('/nonexistent/custom.env', { ENV_FILE: '/nonexistent/custom.env' }), /cannot read \/nonexistent\/custom\.env/);
});

test('tributary reads .env from its working directory', async () => {
  const dir = tempDir('tributary-env-');
  try {
    fs.writeFileSync(path.join(dir, '.env'), 'KAFKA_BROKERS=not a host\n');
    const { spawnSync } = await import('node:child_process');
    const env = { ...process.env };
    for (const k of ['KAFKA_BROKERS', 'BOOTSTRAP_SERVERS', 'KAFKA_BOOTSTRAP_SERVERS', 'ENV_FILE']) delete env[k];
    const r = spawnSync(process.execPath, [...nodeArgs('../../src/cli/main.ts', import.meta.url), 'topics', 'list'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /KAFKA_BROKERS: "not a host" is not host:port/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
