// `tributary worker baskets` on PostgreSQL, SIGKILLed again and again while the
// API (in this process, against the same broker and database) acknowledges
// baskets: every acknowledged basket is stored exactly once, enriched, and the
// aggregates GET /analytics reads agree with the rows. Each kill lands after a
// number of acknowledgements, with requests in flight; the worker restarts at
// once with the same group.instance.id (static membership), so it takes its
// partitions back without waiting for the dead member's session timeout. The
// worker runs as users run it (bin/tributary.js on dist/), and the report
// prints, per step of a restart (recovery.ts), min/median/max ms after the
// relaunch, the last one being its first store (target: within 5 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import pino from 'pino';
import { sql } from 'kysely';
import { countBaskets, lookupBaskets, openDatabase } from '../../src/db/index.js';
import { startSystem } from '../../src/runtime/system.js';
import { createAdmin } from '../../src/stream/kafka.js';
import { startTestBroker } from '../helpers/broker.js';
import { spawnCli, type CliProcess } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { eventually } from '../helpers/system.js';
import { BasketLoad, verdict } from './basket-load.js';
import { restartTimeline, spread, startCpuMs, timelineFigures, type Timeline } from './recovery.js';
import { report, scaled } from './setting.js';

const KILLS = scaled(2, 10);
const ACKS_PER_KILL = scaled(100, 300);
const GROUP = 'tributary-baskets-enrich-baskets';

test(`tributary worker baskets SIGKILLed ${KILLS} times under load: nothing acknowledged lost or doubled`, { timeout: scaled(180_000, 900_000) }, async (t) => {
  const database = await createTestDatabase(t, 'tributary_fault_worker');
  if (!database) return;
  const broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
  const instanceId = `fault-worker-${process.pid}`;
  const env = { KAFKA_BROKERS: broker.address, DATABASE_URL: database.url, BASKETS_PARTITIONS: '6', LOG_LEVEL: 'info', WORKER_INSTANCE_ID: instanceId };
  const kafka = { brokers: [broker.address], clientId: 'fault-api' };
  const api = await startSystem({ kafka, env: { ...process.env, ...env }, log: pino({ level: 'silent' }), database: { url: database.url }, services: ['baskets'], workers: false, api: { host: '127.0.0.1', port: 0 } });
  const db = await openDatabase({ url: database.url });
  const admin = createAdmin({ ...kafka, clientId: 'fault-admin' });
  const load = new BasketLoad(`wk${Date.now().toString(36)}`, async (basket) => (await api.http!.inject({ method: 'POST', url: '/data', payload: basket })).statusCode === 200, 4, 50);
  const timelines: Timeline[] = [];
  const cpu: number[] = [];
  let worker: CliProcess | undefined;
  try {
    const spawnWorker = async (): Promise<{ spawnedAt: Date }> => {
      const spawnedAt = new Date();
      worker = spawnCli(['worker', 'baskets'], { env });
      await worker.ready(/workers running: baskets/);
      return { spawnedAt };
    };
    /** When the worker first stored a basket after `since` (the database's processed_at). */
    const firstStoreAfter = (since: Date) =>
      eventually(async () => {
        const { rows } = await sql<{ first: Date | null }>`select min(processed_at) as first from baskets where processed_at > ${since}`.execute(db.db);
        return rows[0]?.first ?? undefined;
      }, 'the restarted worker to store a basket', 60_000);

    await spawnWorker();
    for (let kill = 1; kill <= KILLS; kill++) {
      await load.whenAcked(load.acked.size + ACKS_PER_KILL);
      await worker!.stop('SIGKILL');
      const { spawnedAt } = await spawnWorker();
      const first = await firstStoreAfter(spawnedAt);
      cpu.push(startCpuMs(worker!.stdout()) ?? -1);
      timelines.push(restartTimeline(spawnedAt.getTime(), worker!.stdout(), first.getTime(), { databaseReady: /^database ready/, joined: /^agent enrich-baskets joined/ }));
      // Static membership: the restarted process took the dead one's place, no second member waits out a session timeout.
      const group = (await admin.describeGroups({ groups: [GROUP] })).get(GROUP)!;
      assert.deepEqual([...group.members.values()].map((m) => m.groupInstanceId), [instanceId], `kill ${kill}: one member, the same instance`);
    }
    await load.whenAcked(load.acked.size + ACKS_PER_KILL);
    await load.stop();

    const acknowledged = load.acked.size;
    // Lost baskets would never come: after the wait, the verdict names them.
    await eventually(async () => (await countBaskets(db.db)) >= acknowledged, `all ${acknowledged} acknowledged baskets stored`, 120_000).catch(() => {});
    const found = await verdict(load.acked, (ids) => lookupBaskets(db.db, ids));
    // Rows are unique by id; a basket counted twice would show in the aggregates (one snapshot for both).
    const { rows: [counts] } = await sql<{ rows: string; counted: string }>`
      select (select count(*) from baskets) as rows, (select coalesce(sum(baskets), 0) from basket_store_totals) as counted`.execute(db.db);
    const rows = Number(counts!.rows);
    const doubled = Number(counts!.counted) - rows;
    const line = report('worker-sigkill', {
      kills: KILLS,
      acknowledged,
      failedRequests: load.failed,
      stored: found.stored,
      lost: found.lost,
      doubled,
      wrong: found.wrong,
      ...timelineFigures(timelines),
      firstStoresMs: timelines.map((t) => t.firstStore).join(','),
      startCpuMs: spread(cpu),
      // The machine's load when the suite ended: the restarts' figures depend on it.
      loadAverage: os.loadavg()[0]!.toFixed(1),
    });
    // The figure is printed for every restart (its value is reported, not asserted: timing depends on the machine).
    assert.match(line, new RegExp(`relaunchToFirstStoreMs=\\d+/\\d+/\\d+ .*firstStoresMs=${Array(KILLS).fill('\\d+').join(',')}`));
    assert.deepEqual({ lost: found.lost, wrong: found.wrong, doubled, rows }, { lost: 0, wrong: 0, doubled: 0, rows: acknowledged }, found.examples.join('; '));
  } finally {
    await load.stop();
    await worker?.stop('SIGKILL');
    await admin.close();
    await db.close();
    await api.close();
    await broker.destroy();
    await database.drop();
  }
});
