// `npm run bench`: throughput of the embedded broker, run in its own child
// process (bench/broker-process.ts), driven by kcat and by @platformatic/kafka.
// Phases: kcat produce → kcat consume → Node produce → Node consume, on
// 3-partition topics, with acks=1 and acks=all, 100-byte and 1 KiB records.
// Each phase runs RUNS times (the summary shows the median run and the spread);
// every run is verified (records appended / read back) and the broker's CPU is
// sampled around it. Ends with a summary table and the target checks.
//
//   npm run bench                 full matrix, 3 runs per phase (under a minute on 2 cores)
//   npm run bench -- --quick      10× fewer records, 1 run per phase (smoke check)
//   npm run bench -- --profile    also write a V8 CPU profile of the broker process
//
// Exit code 1 when a run fails or its counts do not verify; a target FAIL is a
// result, not an error. The broker child and temp dirs are removed on any exit
// (a --profile directory is kept).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProduceAcks } from '@platformatic/kafka';
import { BrokerHandle } from './broker-handle.js';
import type { BrokerStats } from './ipc.js';
import { kcatConsume, kcatProduce, kcatVersion, killKcats, writePayloadFile } from './kcat.js';
import { nodeConsume, nodeProduce } from './node-client.js';
import { logLine, startProgress } from './progress.js';
import { MB, fixed, heading, int, seconds } from './report.js';
import { printSummary, type Case, type Client, type Op, type PhaseResult, type Run } from './summary.js';

const USAGE = 'usage: npm run bench [-- --quick] [-- --profile]';
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (a !== '--quick' && a !== '--profile') {
    console.error(`unknown option ${a}; ${USAGE}`);
    process.exit(2);
  }
}
const quick = args.has('--quick');
const profile = args.has('--profile');
const scale = quick ? 10 : 1;

const PARTITIONS = 3;
/** Runs of every phase (each produce run appends `count` more records to the topic). */
const RUNS = quick ? 1 : 3;
/** kcat producer settings beyond `acks`: none; librdkafka 2.0's defaults (linger.ms=5, batch.num.messages=10000, batch.size=1000000) do not hold it back. */
const KCAT_PRODUCER_CONFIG: Record<string, string> = {};
/**
 * kcat consumer settings: with -e, kcat learns it is at the end of a partition
 * only from a fetch at the high watermark, which the broker (like Kafka) holds
 * for fetch.wait.max.ms (default 500) before answering empty; 10 ms keeps that
 * fixed tail out of the throughput figure. It changes nothing while data flows.
 */
const KCAT_CONSUMER_CONFIG: Record<string, string> = { 'fetch.wait.max.ms': '10' };
const NODE_IN_FLIGHT = 4;
const NODE_PARTITION_MAX_BYTES = 4 * 1024 * 1024;
const NODE_WARMUP_RECORDS = 20_000;
const TARGET_KCAT_100B_RPS = 200_000;

function cases(client: Client, sizes: { size: number; count: number; perSend: number }[]): Case[] {
  const out: Case[] = [];
  for (const s of sizes) {
    for (const acks of ['1', 'all'] as const) {
      const sizeName = s.size === 1024 ? '1k' : `${s.size}b`;
      out.push({ client, size: s.size, count: s.count / scale, acks, topic: `${client}-${sizeName}-acks${acks}`, perSend: s.perSend });
    }
  }
  return out;
}

const kcatCases = cases('kcat', [
  { size: 100, count: 1_000_000, perSend: 0 },
  { size: 1024, count: 200_000, perSend: 0 },
]);
const nodeCases = cases('node', [
  { size: 100, count: 200_000, perSend: 2000 },
  { size: 1024, count: 50_000, perSend: 500 },
]);

const cpuUs = (s: BrokerStats) => s.cpuUserUs + s.cpuSystemUs;
const brokerLogs: string[] = [];
const results: PhaseResult[] = [];
let broker: BrokerHandle | undefined;
let workDir: string | undefined;
/** Set by SIGINT/SIGTERM: no further runs start. */
let interrupted: string | undefined;

interface BodyResult {
  records: number;
  valueBytes: number;
  wallMs: number;
  error?: string;
}

interface RunHelpers {
  /** Reports the records done so far (for the progress bar). */
  set(n: number): void;
}

/**
 * Runs one phase RUNS times: samples the broker around each run, shows
 * progress, verifies the counts. A failed run ends the phase (recorded, not
 * thrown); a dead broker ends the bench.
 */
async function phase(b: BrokerHandle, client: Client, op: Op, c: Case, body: (h: RunHelpers) => Promise<BodyResult>): Promise<void> {
  const r: PhaseResult = { client, op, c, runs: [] };
  results.push(r);
  // A consume run reads the whole topic: every produce run's records.
  const expected = op === 'produce' ? c.count : c.count * RUNS;
  for (let i = 1; i <= RUNS && !r.error; i++) {
    if (interrupted) throw new Error(`interrupted by ${interrupted}`);
    const label = `${client} ${op} ${c.topic}${RUNS > 1 ? ` run ${i}/${RUNS}` : ''}`;
    const before = await b.stats();
    let count = 0;
    const prog = startProgress({
      label,
      total: expected,
      unit: 'records',
      // kcat -P tells nothing while it runs: ask the broker how much it appended.
      poll: client === 'kcat' && op === 'produce' ? async () => (await b.stats()).appendedRecords - before.appendedRecords : () => count,
    });
    let res: BodyResult;
    try {
      res = await body({ set: (n) => void (count = n) });
    } catch (err) {
      res = { records: 0, valueBytes: 0, wallMs: NaN, error: err instanceof Error ? err.message : String(err) };
    }
    if (b.exited) {
      prog.done(`FAILED: the broker process ended (${b.exited})`, false);
      r.error = `the broker process ended (${b.exited})`;
      throw new Error(`the broker process ended during ${label} (${b.exited})`);
    }
    const after = await b.stats();
    const run: Run = {
      records: res.records,
      valueBytes: res.valueBytes,
      wallMs: res.wallMs,
      cpuUs: cpuUs(after) - cpuUs(before),
      appendedRecords: after.appendedRecords - before.appendedRecords,
      appendedBytes: after.appendedBytes - before.appendedBytes,
      logBytes: after.logBytes - before.logBytes,
      fsyncs: after.fsyncs - before.fsyncs,
    };
    let error = res.error;
    if (!error && op === 'produce' && run.appendedRecords !== expected) {
      error = `COUNT MISMATCH: the broker appended ${int(run.appendedRecords)} records, ${int(expected)} were sent`;
    }
    if (!error && op === 'consume' && run.records !== expected) {
      error = `COUNT MISMATCH: read back ${int(run.records)} records, ${int(expected)} were produced`;
    }
    if (!error && op === 'consume' && run.valueBytes !== expected * c.size) {
      error = `BYTE MISMATCH: read back ${int(run.valueBytes)} value bytes, ${int(expected * c.size)} were produced`;
    }
    if (error) {
      r.error = i > 1 ? `run ${i}: ${error}` : error;
      prog.done(`FAILED: ${error}`, false);
    } else {
      r.runs.push(run);
      const secs = run.wallMs / 1000;
      prog.done(`${int(run.records)} records in ${seconds(run.wallMs)} = ${int(run.records / secs)} records/s, ${fixed(run.valueBytes / MB / secs, 1)} MB/s`);
    }
  }
}

const kcatFailure = (run: { code: number | null; signal: string | null; stderr: string }) =>
  run.code !== 0 ? `kcat exited with ${run.signal ?? run.code}: ${run.stderr.trim().slice(0, 2000)}` : undefined;

async function runKcat(b: BrokerHandle, dir: string): Promise<void> {
  const files = new Map<number, string>();
  for (const c of kcatCases) if (!files.has(c.size)) files.set(c.size, writePayloadFile(dir, c.size, c.count));
  for (const c of kcatCases) {
    await b.createTopic(c.topic, PARTITIONS);
    await phase(b, 'kcat', 'produce', c, async () => {
      const run = await kcatProduce({ address: b.address, topic: c.topic, file: files.get(c.size)!, acks: c.acks, config: KCAT_PRODUCER_CONFIG });
      return { records: c.count, valueBytes: c.count * c.size, wallMs: run.wallMs, error: kcatFailure(run) };
    });
  }
  for (const c of kcatCases) {
    await phase(b, 'kcat', 'consume', c, async (h) => {
      const run = await kcatConsume({ address: b.address, topic: c.topic, config: KCAT_CONSUMER_CONFIG, onRecords: h.set });
      return { records: run.records, valueBytes: run.valueBytes, wallMs: run.wallMs, error: kcatFailure(run) };
    });
  }
}

/** Untimed: lets V8 optimise the Node client's produce/fetch paths before the measured phases. */
async function warmUpNode(b: BrokerHandle): Promise<void> {
  const topic = 'node-warmup';
  await b.createTopic(topic, PARTITIONS);
  logLine(`node client warm-up (untimed): ${int(NODE_WARMUP_RECORDS)} × 100 B produced and read back on ${topic}`);
  await nodeProduce({ address: b.address, topic, count: NODE_WARMUP_RECORDS, recordSize: 100, acks: ProduceAcks.LEADER, perSend: 2000, inFlight: NODE_IN_FLIGHT });
  const read = await nodeConsume({ address: b.address, topic, partitionMaxBytes: NODE_PARTITION_MAX_BYTES });
  if (read.records !== NODE_WARMUP_RECORDS) throw new Error(`warm-up read back ${read.records} records, ${NODE_WARMUP_RECORDS} were produced`);
}

async function runNode(b: BrokerHandle): Promise<void> {
  await warmUpNode(b);
  for (const c of nodeCases) {
    await b.createTopic(c.topic, PARTITIONS);
    await phase(b, 'node', 'produce', c, (h) =>
      nodeProduce({
        address: b.address,
        topic: c.topic,
        count: c.count,
        recordSize: c.size,
        acks: c.acks === '1' ? ProduceAcks.LEADER : ProduceAcks.ALL,
        perSend: c.perSend,
        inFlight: NODE_IN_FLIGHT,
        onRecords: h.set,
      }),
    );
  }
  for (const c of nodeCases) {
    await phase(b, 'node', 'consume', c, (h) => nodeConsume({ address: b.address, topic: c.topic, partitionMaxBytes: NODE_PARTITION_MAX_BYTES, onRecords: h.set }));
  }
}

function printHeader(b: BrokerHandle, kcatV: string, profileDir: string | undefined): void {
  const opts = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => ` -X ${k}=${v}`).join('');
  const perSend = [...new Set(nodeCases.map((c) => `${c.perSend} × ${c.size} B`))].join(', ');
  console.log(heading(`Tributary broker benchmark${quick ? ' (--quick: 10× fewer records, 1 run)' : ''}`));
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${kcatV}`);
  console.log(`broker: child process pid ${b.pid} at ${b.address}, data dir ${b.dataDir}; topics of ${PARTITIONS} partitions; ${RUNS} run(s) per phase`);
  console.log(`kcat produce: -P -l <file> -X acks=1|all${opts(KCAT_PRODUCER_CONFIG) || ' (everything else: librdkafka defaults)'}`);
  console.log(`kcat consume: -C -o beginning -e -q -f '%S\\n'${opts(KCAT_CONSUMER_CONFIG)} (each run reads the whole topic)`);
  console.log(`node: @platformatic/kafka Producer, ${NODE_IN_FLIGHT} sends in flight (${perSend} per send); Consumer.fetch loop, ${NODE_PARTITION_MAX_BYTES / 1024 / 1024} MiB per partition`);
  console.log(`wall time: kcat from spawn to exit; node from the first send/fetch to the last answer (clients connected beforehand, after an untimed ${int(NODE_WARMUP_RECORDS)}-record warm-up)`);
  console.log('MB/s = record value bytes / wall time; MB = 10^6 bytes, GB = 10^9 bytes');
  if (profileDir) console.log(`broker CPU profile: into ${profileDir} when the broker exits`);
  console.log('');
}

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killKcats();
    try {
      await broker?.stop();
    } finally {
      if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = sig;
    logLine(`\n${sig}: stopping the broker and removing temp files`);
    void cleanup().finally(() => process.exit(130));
  });
}

function report(): boolean {
  printSummary(results, { quick, targetKcat100bRps: TARGET_KCAT_100B_RPS, cases: { kcat: kcatCases, node: nodeCases } });
  const failed = results.filter((r) => r.error);
  if (failed.length > 0) {
    console.log(heading('FAILURES'));
    for (const r of failed) console.log(`${r.client} ${r.op} ${r.c.topic}: ${r.error}`);
  }
  if (brokerLogs.length > 0) {
    console.log(heading(`Broker warnings/errors (${brokerLogs.length})`));
    for (const l of brokerLogs.slice(0, 20)) console.log(l);
    if (brokerLogs.length > 20) console.log(`... and ${brokerLogs.length - 20} more`);
  }
  return failed.length === 0;
}

async function main(): Promise<boolean> {
  const kcatV = kcatVersion();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-'));
  const profileDir = profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-profile-')) : undefined;
  broker = await BrokerHandle.start({
    dataDir: path.join(workDir, 'broker-data'),
    cpuProfileDir: profileDir,
    onLog: (level, msg, extra) => {
      if (level === 'info') return;
      const line = `[broker ${level}] ${msg}${extra ? ' ' + JSON.stringify(extra) : ''}`;
      brokerLogs.push(line);
      logLine(line);
    },
  });
  printHeader(broker, kcatV, profileDir);
  await runKcat(broker, workDir);
  await runNode(broker);
  await cleanup();
  if (profileDir) {
    const files = fs.readdirSync(profileDir).map((f) => path.join(profileDir, f));
    console.log(`broker CPU profile(s): ${files.join(', ') || '(none written)'} (the one ending .0.001 is the main thread)`);
  }
  return report();
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  console.error(`\nBENCH FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (results.length > 0) report();
} finally {
  await cleanup();
}
process.exitCode = ok ? 0 : 1;
