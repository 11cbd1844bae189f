// The SIGKILL loop: a broker in a child process is killed again and again
// while idempotent acks=all kafkajs producers write, a consumer group commits,
// and the log cleaner compacts a compacted topic. Kills come on events: after
// N acknowledged sends, or from the broker itself at a point of a cleaning
// pass (armed over its stdin). After each kill every segment file is walked with the
// project's batch decoder (CRCs), and after each restart and at the end:
// every acknowledged record is present exactly once and in order per
// producer and partition, committed offsets never went back, and the latest
// acknowledged value of every compacted key is still readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseBatches, RecordBatchError } from '../../src/broker/records/index.js';
import { tempDir } from '../helpers/broker.js';
import { nodeArgs } from '../helpers/paths.js';
import { kafkajsClient, readAll } from '../helpers/kafkajs.js';
import { report, scaled } from './setting.js';

const KILLS = scaled(2, 20);
const ACKS_PER_LIFE = scaled(8, 25);
const PRODUCERS = 3;
const DATA = 'sk-data';
const COMPACT = 'sk-compact';
const KEYS = 20;
const PHASES = ['group-written', 'group-committed', 'group-swapped', 'mapped'];
const fixture = nodeArgs('./fixtures/sigkill-broker.ts', import.meta.url);

interface Life {
  child: ChildProcess;
  address: string;
  port: number;
  exited: Promise<string>;
}

async function startChild(dataDir: string, port: number): Promise<Life> {
  const child = spawn(process.execPath, [...fixture, dataDir, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<number>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /^ready (\d+)$/.exec(l);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((why) => reject(new Error(`broker exited before ready (${why})`)));
  });
  return { child, address: `127.0.0.1:${ready}`, port: ready, exited };
}

/** CRC and structure of every batch in every segment file (torn tails at the end of a file are counted apart). */
function walkSegments(dataDir: string): { batches: number; crcErrors: number; tornTails: number } {
  let batches = 0;
  let crcErrors = 0;
  let tornTails = 0;
  for (const dir of fs.readdirSync(dataDir)) {
    if (!dir.startsWith('sk-')) continue;
    for (const name of fs.readdirSync(path.join(dataDir, dir))) {
      if (!name.endsWith('.log')) continue;
      const buf = fs.readFileSync(path.join(dataDir, dir, name));
      try {
        batches += parseBatches(buf, { strict: false }).length;
      } catch (err) {
        if (err instanceof RecordBatchError && err.reason === 'bad-crc') crcErrors++;
        else tornTails++;
      }
    }
  }
  return { batches, crcErrors, tornTails };
}

test(`the broker survives ${KILLS} SIGKILLs with nothing acknowledged lost, doubled or reordered`, { timeout: scaled(120_000, 900_000) }, async () => {
  const dataDir = tempDir('tributary-sigkill-');
  const acked = new Map<string, { producer: number; seq: number }>(); // value → who wrote it
  const latestCompact = new Map<string, number>(); // key → highest acknowledged seq
  const committed = new Map<number, number>();
  const figures = { kills: 0, phaseKills: 0, acknowledged: 0, lost: 0, duplicated: 0, reordered: 0, crcErrors: 0, tornTails: 0, committedBack: 0, compactLost: 0 };
  let port = 0;
  let seq = 0;
  let life: Life | undefined;

  const check = async (address: string, final: boolean): Promise<void> => {
    const kafka = kafkajsClient(address);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const data = await readAll(kafka, admin, DATA, { isolationLevel: 0 });
      const count = new Map<string, number>();
      const lastSeq = new Map<string, number>(); // partition/producer → last seq seen
      for (const m of data) {
        count.set(m.value!, (count.get(m.value!) ?? 0) + 1);
        const [p, s] = m.value!.split('-').slice(1).map(Number);
        const k = `${m.partition}/${p}`;
        if ((lastSeq.get(k) ?? -1) >= s) figures.reordered++;
        lastSeq.set(k, s);
      }
      let lost = 0;
      for (const v of acked.keys()) if (!count.has(v)) lost++;
      const duplicated = [...count.values()].filter((n) => n > 1).length;
      figures.lost = Math.max(figures.lost, lost);
      figures.duplicated = Math.max(figures.duplicated, duplicated);
      // The compacted topic: every key's value is at least as new as its latest acknowledged one.
      const compact = await readAll(kafka, admin, COMPACT, { isolationLevel: 0 });
      const newest = new Map<string, number>();
      for (const m of compact) newest.set(m.key!, Number(m.value!.split('-')[1]));
      let compactLost = 0;
      for (const [k, s] of latestCompact) if ((newest.get(k) ?? -1) < s) compactLost++;
      figures.compactLost = Math.max(figures.compactLost, compactLost);
      const offsets = await admin.fetchOffsets({ groupId: 'sk-group', topics: [DATA] });
      for (const { partitions } of offsets) {
        for (const { partition, offset } of partitions) {
          const o = Number(offset);
          if (o < (committed.get(partition) ?? -1)) figures.committedBack++;
          committed.set(partition, Math.max(o, committed.get(partition) ?? -1));
        }
      }
      if (final) console.log(`final read: ${data.length} records on ${DATA}, ${compact.length} on ${COMPACT} (${KEYS} keys)`);
    } finally {
      await admin.disconnect();
    }
  };

  try {
    life = await startChild(dataDir, port);
    port = life.port;
    {
      const admin = kafkajsClient(life.address).admin();
      await admin.connect();
      await admin.createTopics({
        topics: [
          { topic: DATA, numPartitions: 3 },
          { topic: COMPACT, numPartitions: 1, configEntries: [
            { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '4096' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' },
          ] },
        ],
      });
      await admin.disconnect();
    }
    for (let round = 0; round < KILLS; round++) {
      const phaseKill = round % 2 === 1;
      if (round > 0) {
        life = await startChild(dataDir, port);
        await check(life.address, false);
      }
      if (phaseKill) life.child.stdin!.write(`arm ${PHASES[(round >> 1) % PHASES.length]}\n`);
      const kafka = kafkajsClient(life.address, `sigkill-${round}`);
      const producers = Array.from({ length: PRODUCERS }, () => kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }));
      const consumer = kafka.consumer({ groupId: 'sk-group', maxWaitTimeInMs: 50, sessionTimeout: 6000, heartbeatInterval: 500 });
      let ackedThisLife = 0;
      let dead = false;
      const current = life;
      const died = current.exited.then(() => {
        dead = true;
      });
      let killTimer: Promise<void> | undefined;
      const onAck = (): void => {
        ackedThisLife++;
        // Kill on an event: the Nth acknowledgement of this life (phase lives give the cleaner longer to reach its kill point).
        if (!killTimer && ackedThisLife >= ACKS_PER_LIFE * (phaseKill ? scaled(5, 10) : 1)) {
          killTimer = Promise.resolve().then(() => void current.child.kill('SIGKILL'));
        }
      };
      try {
        await Promise.all(producers.map((p) => p.connect()));
        await consumer.connect();
        await consumer.subscribe({ topic: DATA, fromBeginning: true });
        void consumer.run({ autoCommitInterval: 100, eachMessage: async () => {} }).catch(() => undefined);
      } catch {
        // The broker may already have killed itself at a cleaning phase.
      }
      const loops = producers.map(async (producer, i) => {
        while (!dead) {
          const mine = ++seq;
          const messages = Array.from({ length: 5 }, (_, j) => ({ key: `k${j}`, value: `v-${i}-${mine * 10 + j}` }));
          const compactMsgs = Array.from({ length: 5 }, (_, j) => ({ key: `key-${(mine * 5 + j) % KEYS}`, value: `c-${mine * 10 + j}` }));
          try {
            await producer.send({ topic: DATA, messages, acks: -1 });
            for (const m of messages) acked.set(m.value, { producer: i, seq: mine });
            await producer.send({ topic: COMPACT, messages: compactMsgs, acks: -1 });
            for (const m of compactMsgs) latestCompact.set(m.key, Math.max(latestCompact.get(m.key) ?? -1, Number(m.value.split('-')[1])));
            onAck();
          } catch {
            if (dead) return;
            // A send to a dead broker can fail without ever leaving the
            // microtask queue: retrying at once would then starve the event
            // loop, and with it the child's exit event that sets `dead`.
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      });
      await died;
      if (!killTimer) figures.phaseKills++;
      figures.kills++;
      await Promise.all(loops);
      await Promise.all([...producers.map((p) => p.disconnect().catch(() => undefined)), consumer.disconnect().catch(() => undefined)]);
      const walk = walkSegments(dataDir);
      figures.crcErrors += walk.crcErrors;
      figures.tornTails += walk.tornTails;
    }
    life = await startChild(dataDir, port);
    await check(life.address, true);
  } finally {
    if (life && life.child.exitCode === null && life.child.signalCode === null) {
      life.child.kill('SIGKILL');
      await life.exited;
    }
    figures.acknowledged = acked.size;
    report('broker-sigkill', figures);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  assert.ok(figures.kills >= KILLS);
  assert.ok(figures.acknowledged > 0);
  assert.equal(figures.lost, 0, 'lost');
  assert.equal(figures.duplicated, 0, 'duplicated');
  assert.equal(figures.reordered, 0, 'reordered');
  assert.equal(figures.crcErrors, 0, 'crc errors');
  assert.equal(figures.committedBack, 0, 'committed offsets went back');
  assert.equal(figures.compactLost, 0, 'compacted keys lost their latest value');
});
