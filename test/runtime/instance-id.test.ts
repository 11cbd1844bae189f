// The default group.instance.id of a worker: two live processes on one host get
// different slots; a slot whose process is gone (killed) is taken over, so a
// restarted worker gets its old id back; WORKER_INSTANCE_ID wins when set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { workerInstanceId } from '../../src/runtime/instance-id.js';
import { tempDir } from '../helpers/broker.js';

test('worker instance ids: one slot per live process, a dead one’s slot reused, configured id as is', async () => {
  const dir = tempDir('tributary-slots-');
  try {
    const host = hostname().replace(/[^A-Za-z0-9._-]/g, '_');
    const a = await workerInstanceId({}, ['baskets'], dir);
    const b = await workerInstanceId({}, ['baskets'], dir);
    assert.deepEqual([a.id, b.id], [`${host}-baskets-0`, `${host}-baskets-1`]);
    await a.release();
    // A process that held slot 0 and was killed: its lock names a pid that no longer runs.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, `${host}-baskets-0.lock`), `${dead}\n`);
    const restarted = await workerInstanceId({}, ['baskets'], dir);
    assert.equal(restarted.id, `${host}-baskets-0`);
    // A live process (this one's parent) holding a slot keeps it.
    writeFileSync(join(dir, `${host}-sessions-0.lock`), `${process.ppid}\n`);
    assert.equal((await workerInstanceId({}, ['sessions'], dir)).id, `${host}-sessions-1`);
    assert.deepEqual(await workerInstanceId({ WORKER_INSTANCE_ID: 'pod-3' }, ['baskets'], dir).then((i) => i.id), 'pod-3');
    await assert.rejects(workerInstanceId({ WORKER_INSTANCE_ID: 'a b' }, ['baskets'], dir), /must not contain spaces/);
    await Promise.all([b.release(), restarted.release()]);
    assert.ok(!readdirSync(dir).includes(`${host}-baskets-1.lock`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
