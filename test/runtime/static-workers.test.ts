// The activity and sessions workers are static group members like the baskets
// one (instance-id.ts): `tributary worker activity sessions`, SIGKILLed and
// started again with the same WORKER_INSTANCE_ID, takes the dead process's
// place in both groups at once: the broker logs a static rejoin without a
// rebalance, prepares none, and each group still has one member, the same
// instance, with the same partitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdmin } from '../../src/stream/kafka.js';
import { startTestBroker, tempDir } from '../helpers/broker.js';
import { spawnCli } from '../helpers/cli.js';

const GROUPS = ['tributary-activity-activity-counter', 'tributary-sessions-summaries'];

test('activity and sessions workers restarted after SIGKILL rejoin their groups as the same static member, without a rebalance', { timeout: 180_000 }, async () => {
  const events: { msg: string; group?: string }[] = [];
  const broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0, log: (_level, msg, extra) => events.push({ msg, group: (extra as { group?: string } | undefined)?.group }) });
  const instanceId = `static-workers-${process.pid}`;
  const env = { KAFKA_BROKERS: broker.address, DATA_DIR: tempDir('tributary-static-workers-'), DATABASE_URL: '', LOG_LEVEL: 'info', WORKER_INSTANCE_ID: instanceId };
  const admin = createAdmin({ brokers: [broker.address], clientId: 'static-workers' });
  const spawn = async () => {
    const worker = spawnCli(['worker', 'activity', 'sessions'], { env });
    await worker.ready(/workers running: activity, sessions/);
    return worker;
  };
  const members = async () => {
    const groups = await admin.describeGroups({ groups: GROUPS });
    return GROUPS.map((g) => [...groups.get(g)!.members.values()].map((m) => ({ instance: m.groupInstanceId, assignment: m.assignments })));
  };
  let worker = await spawn();
  try {
    for (const agent of ['activity-counter', 'summaries']) assert.match(worker.stdout(), new RegExp(`agent ${agent} joined`));
    const before = await members();
    assert.deepEqual(before.map((m) => m.map((x) => x.instance)), [[instanceId], [instanceId]]);
    await worker.stop('SIGKILL');
    const sinceKill = events.length;
    const spawnedAt = Date.now();
    worker = await spawn();
    const after = events.slice(sinceKill).filter((e) => e.group !== undefined && GROUPS.includes(e.group));
    console.log(`[static-workers] relaunch to both agents joined: ${Date.now() - spawnedAt} ms; broker: ${after.map((e) => `${e.group}: ${e.msg}`).join('; ')}`);
    for (const group of GROUPS) {
      assert.ok(after.some((e) => e.group === group && e.msg === 'static member rejoined without a rebalance'), `${group}: a static rejoin`);
      assert.ok(!after.some((e) => e.group === group && /rebalance group/.test(e.msg)), `${group}: no rebalance`);
    }
    // Still one member per group, the same instance, holding what the dead process held.
    assert.deepEqual(await members(), before);
  } finally {
    await worker.stop('SIGKILL');
    await admin.close();
    await broker.destroy();
  }
});
