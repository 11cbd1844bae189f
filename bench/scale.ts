// `npm run bench` (after run.ts): the broker at scale, in its own child process.
//   1. auto-creation: 10,000 topics created by Metadata (v1, which always
//      auto-creates) in 20 requests of 500 new names, while another connection
//      sends ApiVersions back to back; its p99 latency is the stall figure.
//   2. restart: a topic of 10,000 partitions, each written by kcat (records
//      spread over every partition: sticky.partitioning.linger.ms=0, else
//      librdkafka's sticky partitioner leaves most of them empty), is stopped
//      cleanly and restarted, then written again and SIGKILLed and restarted.
//      "ready" is fork → listening; "all open" adds the background sweep that
//      opens (recovers) every partition. The child runs compiled JavaScript
//      (child-build.ts), as `tributary broker` runs the built package.
//   3. CPU per GB: kcat produces 1M × 100 B records (acks=1) to topics of 1,
//      100 and 1,000 partitions and reads them back; the broker's
//      process.cpuUsage() over each phase, per GB of record-batch bytes. Each
//      topic first gets 20,000 untimed records spread over every partition,
//      so the one-time creation of every partition's directory and file is
//      not counted per GB. Two rounds, the second in the reverse order, and
//      the lower figure of each kept: load from other processes only ever
//      adds CPU time, and a drift in it then does not pass for a cost of
//      partitions.
// The machine may be shared: CPU seconds are steadier than wall time.
//   npx tsx bench/scale.ts [autoCreate|restart|cpuPerGb ...]   (default: all three)
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BrokerHandle } from './broker-handle.js';
import { compiledBrokerProcess } from './child-build.js';
import type { BrokerStats } from './ipc.js';
import { kcatConsume, kcatProduce, writePayloadFile } from './kcat.js';
import { fixed, heading, int, table } from './report.js';

const TOPICS = 10_000;
const PER_REQUEST = 500;
const RESTART_PARTITIONS = 10_000;
const RESTART_RECORDS = 200_000;
const CPU_RECORDS = 1_000_000;
const CPU_PARTITIONS = [1, 100, 1000];
/** Untimed records written to each CPU topic first, so every partition's directory and file exist (a one-time cost, not per GB). */
const CPU_WARM_RECORDS = 20_000;
const CPU_ROUNDS = 2;
/** librdkafka's partitioner without stickiness: keyless records go to a random partition each, reaching every partition. */
const SPREAD = { 'sticky.partitioning.linger.ms': '0' };

/** Minimal Kafka client over one socket: hand-encoded ApiVersions v0 and Metadata v1, answers matched by order. */
class WireClient {
  private buf = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private correlation = 0;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const size = this.buf.readInt32BE(0);
        const frame = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
  }

  static async connect(port: number): Promise<WireClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.setNoDelay(true);
    return new WireClient(socket);
  }

  private request(apiKey: number, version: number, body: Buffer): Promise<Buffer> {
    const clientId = Buffer.from('bench-scale');
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(version, 2);
    header.writeInt32BE(++this.correlation, 4);
    header.writeInt16BE(clientId.length, 8);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + clientId.length + body.length);
    this.socket.write(Buffer.concat([size, header, clientId, body]));
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  apiVersions(): Promise<Buffer> {
    return this.request(18, 0, Buffer.alloc(0));
  }

  metadata(topics: string[]): Promise<Buffer> {
    const parts: Buffer[] = [Buffer.alloc(4)];
    parts[0]!.writeInt32BE(topics.length);
    for (const t of topics) {
      const name = Buffer.from(t);
      const len = Buffer.alloc(2);
      len.writeInt16BE(name.length);
      parts.push(len, name);
    }
    return this.request(3, 1, Buffer.concat(parts));
  }

  close(): void {
    this.socket.destroy();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
const cpuS = (a: BrokerStats, b: BrokerStats) => (b.cpuUserUs + b.cpuSystemUs - a.cpuUserUs - a.cpuSystemUs) / 1e6;
const rows: string[][] = [];

async function autoCreate(work: string): Promise<void> {
  const b = await BrokerHandle.start({ dataDir: path.join(work, 'create') });
  try {
    const creator = await WireClient.connect(b.port);
    const prober = await WireClient.connect(b.port);
    const latencies: number[] = [];
    let creating = true;
    const probing = (async () => {
      while (creating) {
        const t0 = performance.now();
        await prober.apiVersions();
        latencies.push(performance.now() - t0);
      }
    })();
    const t0 = performance.now();
    for (let r = 0; r < TOPICS / PER_REQUEST; r++) {
      await creator.metadata(Array.from({ length: PER_REQUEST }, (_, i) => `auto-${r * PER_REQUEST + i}`));
    }
    const wallMs = performance.now() - t0;
    creating = false;
    await probing;
    creator.close();
    prober.close();
    latencies.sort((x, y) => x - y);
    const p99 = percentile(latencies, 99);
    console.log(`auto-create: ${int(TOPICS)} topics in ${TOPICS / PER_REQUEST} Metadata requests: ${fixed(wallMs / 1000, 2)} s; ` +
      `other client's ApiVersions: ${latencies.length} answered, p50 ${fixed(percentile(latencies, 50), 2)} ms, p99 ${fixed(p99, 2)} ms, max ${fixed(latencies.at(-1) ?? NaN, 2)} ms; load ${loadavg()}`);
    rows.push(['auto-create 10,000 topics (20 × 500 by Metadata)', `${fixed(wallMs / 1000, 2)} s`, '< 10 s', verdict(wallMs < 10_000)]);
    rows.push(['  other client ApiVersions p99 meanwhile', `${fixed(p99, 2)} ms`, '< 50 ms', verdict(p99 < 50)]);
  } finally {
    await b.stop();
  }
}

/**
 * A restart: wall time fork → listening and fork → every partition open, the
 * latter from the broker's own startBroker() call (without node's
 * start-up), and the broker's CPU seconds since the fork (steadier on a shared machine).
 */
async function timedStart(dataDir: string): Promise<{ b: BrokerHandle; readyMs: number; allMs: number; ownMs: number; cpuS: number }> {
  compiledBrokerProcess(); // built once, before the clock starts
  const t0 = performance.now();
  const b = await BrokerHandle.start({ dataDir, keepData: true, startTimeoutMs: 300_000 });
  const readyMs = performance.now() - t0;
  const { startToOpenedMs } = await b.allOpened();
  const allMs = performance.now() - t0;
  const s = await b.stats();
  return { b, readyMs, allMs, ownMs: startToOpenedMs, cpuS: (s.cpuUserUs + s.cpuSystemUs) / 1e6 };
}

async function restart(work: string): Promise<void> {
  const dataDir = path.join(work, 'restart');
  const file = writePayloadFile(work, 100, RESTART_RECORDS);
  // The fixed part of every restart figure: forking node, loading the modules and starting an empty broker.
  const empty = await timedStart(path.join(work, 'empty'));
  await empty.b.stop();
  console.log(`baseline: an empty broker is ready ${fixed(empty.readyMs / 1000, 2)} s after the fork, ${fixed(empty.cpuS, 2)} s CPU (node's start-up and module loading, in every restart figure below)`);
  let b = await BrokerHandle.start({ dataDir, keepData: true });
  try {
    await b.createTopic('wide', RESTART_PARTITIONS);
    const run = await kcatProduce({ address: b.address, topic: 'wide', file, acks: '1', config: SPREAD });
    if (run.code !== 0) throw new Error(`kcat failed: ${run.stderr.slice(0, 500)}`);
    await b.stop();
    const written = fs.readdirSync(dataDir).filter((n) => n.startsWith('wide-')).length;
    console.log(`restart data: ${int(RESTART_RECORDS)} records written to ${int(written)} of ${int(RESTART_PARTITIONS)} partitions`);
    const clean = await timedStart(dataDir);
    b = clean.b;
    console.log(`restart after a clean stop, ${int(RESTART_PARTITIONS)} partitions (${int(RESTART_RECORDS)} records): ready in ${fixed(clean.readyMs / 1000, 2)} s, every partition open in ${fixed(clean.allMs / 1000, 2)} s (${fixed(clean.ownMs / 1000, 2)} s from startBroker(); broker CPU ${fixed(clean.cpuS, 2)} s); load ${loadavg()}`);
    const again = await kcatProduce({ address: b.address, topic: 'wide', file, acks: '1', config: SPREAD });
    if (again.code !== 0) throw new Error(`kcat failed: ${again.stderr.slice(0, 500)}`);
    const before = await b.stats();
    await b.kill();
    const crashed = await timedStart(dataDir);
    b = crashed.b;
    console.log(`restart after SIGKILL (${int(before.appendedRecords)} records appended since the last start): ready in ${fixed(crashed.readyMs / 1000, 2)} s, every partition open (recovered) in ${fixed(crashed.allMs / 1000, 2)} s (${fixed(crashed.ownMs / 1000, 2)} s from startBroker(); broker CPU ${fixed(crashed.cpuS, 2)} s); load ${loadavg()}`);
    const read = await kcatConsume({ address: b.address, topic: 'wide', config: { 'fetch.wait.max.ms': '10' } });
    const ok = read.records === 2 * RESTART_RECORDS;
    console.log(`read back after the crash: ${int(read.records)} records of ${int(2 * RESTART_RECORDS)} ${ok ? '(all)' : '(MISMATCH)'}`);
    rows.push(['restart, 10,000 partitions, after a clean stop: every partition open', `${fixed(clean.allMs / 1000, 2)} s`, '< 2 s', verdict(clean.allMs < 2000)]);
    rows.push(['  the broker\'s own part: startBroker() → every partition open', `${fixed(clean.ownMs / 1000, 2)} s`, '', '']);
    rows.push(['restart, 10,000 partitions, after SIGKILL: every partition recovered', `${fixed(crashed.allMs / 1000, 2)} s`, '< 10 s', verdict(crashed.allMs < 10_000 && ok)]);
    rows.push(['  the broker\'s own part: startBroker() → every partition recovered', `${fixed(crashed.ownMs / 1000, 2)} s`, '', '']);
  } finally {
    await b.stop();
  }
}

async function cpuPerGb(work: string): Promise<void> {
  const file = writePayloadFile(work, 100, CPU_RECORDS);
  const warmFile = writePayloadFile(work, 100, CPU_WARM_RECORDS);
  const b = await BrokerHandle.start({ dataDir: path.join(work, 'cpu') });
  const best = new Map<number, { inS: number; outS: number }>();
  try {
    // Untimed warm-up so V8 has optimised the produce and fetch paths.
    await b.createTopic('warmup', 1);
    await kcatProduce({ address: b.address, topic: 'warmup', file, acks: '1' });
    await kcatConsume({ address: b.address, topic: 'warmup', config: { 'fetch.wait.max.ms': '10' } });
    for (let round = 0; round < CPU_ROUNDS; round++) {
      const order = round % 2 === 0 ? CPU_PARTITIONS : [...CPU_PARTITIONS].reverse();
      for (const partitions of order) {
        const r = await cpuPhase(b, `cpu-${partitions}-r${round}`, partitions, file, warmFile);
        const prev = best.get(partitions);
        best.set(partitions, { inS: Math.min(prev?.inS ?? Infinity, r.inS), outS: Math.min(prev?.outS ?? Infinity, r.outS) });
      }
    }
  } finally {
    await b.stop();
  }
  const results = CPU_PARTITIONS.map((partitions) => ({ partitions, ...best.get(partitions)! }));
  const one = results[0]!;
  for (const r of results) {
    const target = r.partitions === 1 ? '≤ 3 s/GB' : `≤ ${fixed(1.5 * one.inS, 2)} s/GB (1.5× 1 partition)`;
    const ok = r.partitions === 1 ? r.inS <= 3 : r.inS <= 1.5 * one.inS;
    rows.push([`broker CPU per GB appended, ${r.partitions} partition(s)`, `${fixed(r.inS, 2)} s/GB`, target, verdict(ok)]);
  }
  for (const r of results) {
    rows.push([`broker CPU per GB served, ${r.partitions} partition(s)`, `${fixed(r.outS, 2)} s/GB`, `(${fixed(r.outS / one.outS, 2)}× 1 partition)`, '']);
  }
}

/** One topic of `partitions`: warmed over every partition, then CPU_RECORDS produced and everything read back; CPU s/GB in and out. */
async function cpuPhase(b: BrokerHandle, topic: string, partitions: number, file: string, warmFile: string): Promise<{ inS: number; outS: number }> {
  await b.createTopic(topic, partitions);
  await kcatProduce({ address: b.address, topic, file: warmFile, acks: '1', config: SPREAD });
  const s0 = await b.stats();
  const run = await kcatProduce({ address: b.address, topic, file, acks: '1' });
  const s1 = await b.stats();
  const read = await kcatConsume({ address: b.address, topic, config: { 'fetch.wait.max.ms': '10' } });
  const s2 = await b.stats();
  if (run.code !== 0 || s1.appendedRecords - s0.appendedRecords !== CPU_RECORDS || read.records !== CPU_RECORDS + CPU_WARM_RECORDS) {
    throw new Error(`cpu phase ${topic}: appended ${s1.appendedRecords - s0.appendedRecords}, read ${read.records} of ${CPU_RECORDS + CPU_WARM_RECORDS}`);
  }
  const gb = (s1.appendedBytes - s0.appendedBytes) / 1e9;
  const servedGb = gb * (CPU_RECORDS + CPU_WARM_RECORDS) / CPU_RECORDS;
  const inS = cpuS(s0, s1) / gb;
  const outS = cpuS(s1, s2) / servedGb;
  console.log(`cpu ${topic}: ${fixed(gb, 3)} GB appended in ${fixed(run.wallMs / 1000, 2)} s, broker CPU ${fixed(cpuS(s0, s1), 2)} s in (${fixed(inS, 2)} s/GB), ` +
    `${fixed(cpuS(s1, s2), 2)} s out (${fixed(outS, 2)} s/GB); load ${loadavg()}`);
  return { inS, outS };
}

const loadavg = () => os.loadavg().map((l) => fixed(l, 2)).join(' ');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-scale-'));
let failed = false;
console.log(heading('Broker at scale'));
console.log(`node ${process.version}, ${os.cpus().length} CPUs; broker in a child process; CPU = process.cpuUsage() of the broker (user + system)`);
try {
  const parts = [autoCreate, restart, cpuPerGb];
  const chosen = process.argv.slice(2);
  for (const part of chosen.length > 0 ? parts.filter((p) => chosen.includes(p.name)) : parts) {
    try {
      await part(work);
    } catch (err) {
      failed = true;
      console.log(`${part.name} FAILED: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(heading('Scale targets'));
console.log(table(['measure', 'result', 'target', ''], rows, ['l', 'r', 'l', 'l']));
process.exitCode = failed ? 1 : 0;
