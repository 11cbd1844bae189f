// Protocol fuzzer: mutated requests of every API and version the broker
// advertises (test/faults/fuzz-requests.ts), sent over TCP to a real broker
// process (`tributary broker`, with small partition caps and a 1 s idle time).
// Each mutated frame is followed on the same connection by a valid ApiVersions
// v0 (the "trailer"): the broker must then answer the trailer (the connection
// survived) or close the connection, within a bound — a timeout here is the hang
// detector. Checks: the broker process never exits, nothing hangs, and a fresh
// client's ApiVersions is answered during and after.
//
// Short setting (npm test): 2,000 mutated requests; long (npm run test:faults): 50,000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/broker.js';
import { RawClient, freshApiVersions } from '../helpers/raw-client.js';
import { Reader } from '../../src/broker/protocol/codec.js';
import { apis, ApiKey, requestHeaderVersion } from '../../src/broker/protocol/apis.js';
import { readRequestHeader } from '../../src/broker/protocol/messages/request-header.js';
import { loadDefaults, mutatedRequest, seeded, type FuzzTarget } from './fuzz-requests.js';
import { report, scaled } from './setting.js';

const REQUESTS = scaled(2_000, 50_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const WORKERS = 4;
/** Answer-or-close bound beyond the wait the request itself asks for (generous: the machine is shared). */
const BOUND_MS = 15_000;
/** A mutated wait longer than this is not waited out: the client closes and counts it as "long wait". */
const LONGEST_WAIT_MS = 20_000;
const TRAILER_ID = 0x5eed0000;

interface Tally {
  tried: number;
  answered: number;
  closed: number;
  hung: number;
  longWait: number;
}

/** A trailer ApiVersions v0 (request header v1, empty body). */
function trailer(correlationId: number): Buffer {
  const b = Buffer.alloc(4 + 10);
  b.writeInt32BE(10, 0);
  b.writeInt16BE(ApiKey.ApiVersions, 4);
  b.writeInt16BE(0, 6);
  b.writeInt32BE(correlationId, 8);
  b.writeInt16BE(-1, 12);
  return b;
}

/** How long the request may legitimately wait, if the broker decodes it as we do. */
function askedWaitMs(frame: Buffer): number {
  try {
    const body = frame.subarray(4, 4 + frame.readInt32BE(0));
    const apiKey = body.readInt16BE(0);
    const version = body.readInt16BE(2);
    const r = new Reader(body);
    readRequestHeader(r, requestHeaderVersion(apiKey, version));
    const req = apis[apiKey]!.readRequest(r, version) as Record<string, number>;
    if (apiKey === ApiKey.Fetch) return Math.max(0, req.maxWaitMs!);
    if (apiKey === ApiKey.JoinGroup) return Math.max(0, req.rebalanceTimeoutMs ?? 0, req.sessionTimeoutMs ?? 0);
    if (apiKey === ApiKey.SyncGroup || apiKey === ApiKey.Produce) return 5_000;
  } catch {
    // not decodable: the broker closes the connection
  }
  return 0;
}

/** Sends one mutated frame then the trailer; resolves with what happened. */
function exchange(port: number, frame: Buffer, trailerId: number, waitMs: number): Promise<'answered' | 'closed' | 'hung' | 'longWait'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffered = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: 'answered' | 'closed' | 'hung' | 'longWait') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish(waitMs > LONGEST_WAIT_MS ? 'longWait' : 'hung'), Math.min(waitMs, LONGEST_WAIT_MS) + BOUND_MS);
    socket.on('connect', () => {
      socket.write(frame);
      socket.write(trailer(trailerId));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 8) {
        const size = buffered.readInt32BE(0);
        if (buffered.length < 4 + size) break;
        if (buffered.readInt32BE(4) === trailerId) return finish('answered');
        buffered = buffered.subarray(4 + size);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => finish('closed'));
  });
}

test(`protocol fuzzer: ${REQUESTS} mutated requests of every advertised API and version`, { timeout: scaled(300_000, 3_600_000) }, async () => {
  await loadDefaults();
  const dataDir = tempDir('tributary-fuzz-');
  const broker = spawnCli([
    'broker', '--port', '0', '--data-dir', dataDir,
    '--config', 'max.broker.partitions=300',
    '--config', 'max.partitions.per.request=50',
    '--config', 'connections.max.idle.ms=1000',
    '--config', 'socket.request.max.bytes=1048576',
    '--config', 'queued.max.request.bytes=16777216',
    '--config', 'group.initial.rebalance.delay.ms=0',
  ]);
  let exit: string | undefined;
  broker.child.once('exit', (code, signal) => (exit = signal ?? `exit code ${code}`));
  try {
    const [, host, portText] = await broker.ready(/broker on ([\d.]+):(\d+)/);
    const port = Number(portText);
    assert.equal(host, '127.0.0.1');

    // The advertised APIs and versions, and a topic with data for the requests to aim at.
    const client = await RawClient.connect(port);
    const versions = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'fuzzer', clientSoftwareVersion: '1' });
    const created = await client.request(ApiKey.CreateTopics, 7, { topics: [{ name: 'fuzz', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(created.topics[0].errorCode, 0);
    client.close();
    const target: FuzzTarget = { topic: 'fuzz', topicId: created.topics[0].topicId, partitions: 3 };
    const pairs: [number, number][] = [];
    for (const k of versions.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]) {
      for (let v = k.minVersion; v <= k.maxVersion; v++) pairs.push([k.apiKey, v]);
    }

    const rnd = seeded(SEED);
    const tallies = new Map<string, Tally>();
    const hungCases: string[] = [];
    let next = 0;
    let freshDuring = -1;
    const started = performance.now();
    const worker = async () => {
      while (next < REQUESTS && exit === undefined) {
        const n = next++;
        const [apiKey, version] = pairs[n % pairs.length]!;
        const { frame, mutation } = mutatedRequest(apiKey, version, n, target, rnd);
        const outcome = await exchange(port, frame, TRAILER_ID + (n % 0xffff), askedWaitMs(frame));
        const name = apis[apiKey]!.name;
        const t = tallies.get(name) ?? { tried: 0, answered: 0, closed: 0, hung: 0, longWait: 0 };
        t.tried++;
        t[outcome]++;
        tallies.set(name, t);
        if (outcome === 'hung') hungCases.push(`#${n} ${name} v${version} ${mutation}`);
        if (n === Math.floor(REQUESTS / 2)) freshDuring = await freshApiVersions(port);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const elapsed = (performance.now() - started) / 1000;

    assert.equal(exit, undefined, `the broker process ended: ${exit}\n${broker.stderr().slice(-4000)}`);
    const freshAfter = await freshApiVersions(port);
    const total = [...tallies.values()].reduce((a, t) => ({ tried: a.tried + t.tried, answered: a.answered + t.answered, closed: a.closed + t.closed, hung: a.hung + t.hung, longWait: a.longWait + t.longWait }));
    for (const [name, t] of [...tallies].sort()) console.log(`  ${name.padEnd(28)} tried ${t.tried}  answered ${t.answered}  closed ${t.closed}  hung ${t.hung}  long-wait ${t.longWait}`);
    report('protocol-fuzz', {
      seed: SEED,
      requests: total.tried,
      apiVersions: pairs.length,
      answered: total.answered,
      closed: total.closed,
      longWait: total.longWait,
      crashes: exit === undefined ? 0 : 1,
      hung: total.hung,
      seconds: elapsed.toFixed(1),
      freshApiVersionsDuringMs: freshDuring.toFixed(1),
      freshApiVersionsAfterMs: freshAfter.toFixed(1),
    });
    assert.equal(total.tried, REQUESTS);
    assert.deepEqual(hungCases, []);
    assert.ok(freshDuring >= 0, 'a fresh ApiVersions was answered during the run');
    // The run is not trivially all-closed or all-answered: both outcomes occur.
    assert.ok(total.answered > 0 && total.closed > 0, JSON.stringify(total));
  } finally {
    await broker.stop('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
