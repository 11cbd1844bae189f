// SIGTERM to a worker process: it stops fetching, finishes what is in flight,
// commits exactly what it processed and leaves the group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { createTestApp } from '../../src/stream/testing.js';
import { nodeArgs } from '../helpers/paths.js';

test('SIGTERM: in-flight messages finish, offsets committed, group left', async () => {
  const t = await createTestApp();
  try {
    const work = t.app.topic('work', { schema: z.object({ n: z.number() }), partitions: 3 });
    await t.app.createTopics();
    await t.produce(work, Array.from({ length: 20_000 }, (_, n) => ({ key: `k${n}`, value: { n } })));
    const child = spawn(process.execPath, nodeArgs('../fixtures/stream-worker.ts', import.meta.url), {
      env: { ...process.env, KAFKA_BROKERS: t.broker.address },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout! });
    const next = async () => (await once(lines, 'line'))[0] as string;
    assert.equal(await next(), 'ready');
    assert.equal(await next(), 'busy');
    child.kill('SIGTERM');
    const final = await next();
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    const processed = Number(/processed (\d+)/.exec(final)![1]);
    assert.ok(processed >= 100, final);
    // What it processed is exactly what the group committed.
    const committed = t.broker.broker.groups.committedOffsets('shutdown-test-work-agent', 'work');
    assert.equal(committed.reduce((a, b) => a + Math.max(b, 0), 0), processed);
    // It left the group rather than waiting for a session timeout.
    const [group] = t.broker.broker.groups.describeGroups(['shutdown-test-work-agent']);
    assert.equal(group!.state, 'Empty');
  } finally {
    await t.close();
  }
});
