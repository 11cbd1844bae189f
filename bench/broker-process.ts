// The broker under test, in its own process (forked by bench/broker-handle.ts
// as compiled JavaScript, see child-build.ts): starts the embedded broker on port 0 in a fresh data
// dir (the path given as argv[2], inside the bench's temp dir, else a new temp
// dir), reports its address over IPC, then answers the bench's requests
// (counters + process.cpuUsage(), topic creation, shutdown). Its data dir is
// removed on shutdown, and also when the bench goes away without asking.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker } from '../src/broker/index.js';
import type { BrokerStats, ChildMessage, ChildRequest } from './ipc.js';

// The data dir: the path given as the first argument (created fresh), else a new temp dir.
// With `keep` as the second argument the dir may hold a previous run's data
// (a restart) and is left in place on shutdown.
const dataDir = process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-broker-'));
const keep = process.argv[3] === 'keep';
fs.mkdirSync(dataDir, { recursive: true });
if (!keep && fs.readdirSync(dataDir).length > 0) throw new Error(`data dir ${dataDir} is not empty`);
let running: RunningBroker | undefined;
let stopping: Promise<void> | undefined;

function send(msg: ChildMessage): void {
  if (process.connected) process.send!(msg);
}

function stats(b: RunningBroker): BrokerStats {
  const cpu = process.cpuUsage();
  let appendedRecords = 0;
  let appendedBytes = 0;
  let logBytes = 0;
  let fsyncs = 0;
  for (const topic of b.broker.topics.list()) {
    for (const p of topic.partitions) {
      if (!p.isOpen) continue; // nothing appended yet in this run; reading it would open it
      appendedRecords += p.appendedRecords;
      appendedBytes += p.appendedBytes;
      logBytes += p.log.size;
      fsyncs += p.log.flushCount;
    }
  }
  return { cpuUserUs: cpu.user, cpuSystemUs: cpu.system, appendedRecords, appendedBytes, logBytes, fsyncs };
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    try {
      await running?.close();
    } finally {
      if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  })();
  return stopping;
}

async function handle(req: ChildRequest): Promise<void> {
  try {
    if (!running) throw new Error('broker not started');
    switch (req.type) {
      case 'stats':
        send({ type: 'reply', id: req.id, ok: true, stats: stats(running) });
        return;
      case 'create-topic':
        await running.broker.topics.create(req.name, req.partitions);
        send({ type: 'reply', id: req.id, ok: true });
        return;
      case 'all-opened':
        await running.broker.topics.allOpened();
        send({ type: 'reply', id: req.id, ok: true, startToOpenedMs: performance.now() - startedAt });
        return;
      case 'shutdown':
        await stop();
        send({ type: 'reply', id: req.id, ok: true });
        process.disconnect();
        return;
    }
  } catch (err) {
    send({ type: 'reply', id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}

process.on('message', (req: ChildRequest) => void handle(req));
// The bench died or closed the channel without a shutdown: clean up and leave.
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});

/** When startBroker() was called: the broker's own start, without node's start-up and module loading. */
const startedAt = performance.now();
try {
  running = await startBroker({
    port: 0,
    dataDir,
    log: (level, msg, extra) => send({ type: 'log', level, msg, extra }),
  });
  send({ type: 'ready', address: running.address, port: running.port, dataDir });
} catch (err) {
  send({ type: 'start-failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  process.exitCode = 1;
  process.disconnect();
}
