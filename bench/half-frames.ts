// Memory under half-sent frames: 100 connections each send 95 MB of a 100 MB
// request frame to a broker in its own process (bench/broker-process.ts, default
// limits: socket.request.max.bytes 100 MiB, queued.max.request.bytes 256 MiB),
// and never finish it. Samples the broker's RSS (/proc/<pid>/status) every second:
// idle, while the connections hold their frames, and after they close, printing
// when it got back to idle. A fresh client's ApiVersions is timed during and after.
//
//   npx tsx bench/half-frames.ts        (part of `npm run bench`)
//
// Targets: under 300 MB above idle while held; back to idle within 60 s of the close.
import fs from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import { BrokerHandle } from './broker-handle.js';
import { MB, fixed } from './report.js';
import { freshApiVersions } from '../test/helpers/raw-client.js';

const CONNECTIONS = 100;
const FRAME = 100 * MB;
const SENT = 95 * MB;
const TARGET_ABOVE_IDLE = 300 * MB;
const TARGET_BACK_S = 60;
/** "Back to idle": within this much of the idle RSS. */
const IDLE_SLACK = 16 * MB;

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => `${fixed(bytes / MB, 0)} MB`;

/** One connection sending the size prefix then up to SENT bytes, honouring backpressure. */
async function halfSend(port: number, chunk: Buffer, sockets: net.Socket[], progress: { bytes: number; done: number }): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  await once(socket, 'connect');
  const head = Buffer.alloc(4);
  head.writeInt32BE(FRAME);
  socket.write(head);
  let sent = 0;
  while (sent < SENT && !socket.destroyed) {
    const piece = chunk.subarray(0, Math.min(chunk.length, SENT - sent));
    sent += piece.length;
    progress.bytes += piece.length;
    if (!socket.write(piece) && !(await drainedOrClosed(socket))) return;
  }
  if (sent >= SENT) progress.done++;
}

/** True once the socket drains, false if it closes first. */
function drainedOrClosed(socket: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (drained: boolean) => () => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(drained);
    };
    const onDrain = done(true);
    const onClose = done(false);
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}

async function main(): Promise<void> {
  const broker = await BrokerHandle.start();
  const pid = broker.pid!;
  const sockets: net.Socket[] = [];
  try {
    await sleep(2000);
    const idleSamples: number[] = [];
    for (let i = 0; i < 3; i++) {
      idleSamples.push(rssOf(pid));
      await sleep(1000);
    }
    const idle = Math.min(...idleSamples);
    console.log(`\n== half-sent frames: ${CONNECTIONS} connections × ${mb(SENT)} of a ${mb(FRAME)} frame ==`);
    console.log(`broker pid ${pid}, idle RSS ${mb(idle)}`);

    const chunk = Buffer.alloc(1024 * 1024, 0x5a);
    const progress = { bytes: 0, done: 0 };
    const senders = Array.from({ length: CONNECTIONS }, () => halfSend(broker.port, chunk, sockets, progress));
    // Hold phase: sample every second until the accepted bytes stop growing for 5 s (the rest is paused).
    let peak = 0;
    let lastBytes = -1;
    let still = 0;
    for (let s = 1; s <= 120 && still < 5; s++) {
      await sleep(1000);
      const rss = rssOf(pid);
      peak = Math.max(peak, rss);
      still = progress.bytes === lastBytes ? still + 1 : 0;
      lastBytes = progress.bytes;
      console.log(`  t+${s}s  RSS ${mb(rss)} (+${mb(rss - idle)})  clients handed ${mb(progress.bytes)} to their sockets (kernel buffers included), ${progress.done} sent all 95 MB`);
    }
    const during = await freshApiVersions(broker.port);
    console.log(`fresh ApiVersions while held: ${fixed(during, 1)} ms`);

    for (const s of sockets) s.destroy();
    await Promise.allSettled(senders);
    const closedAt = Date.now();
    let backAfter: number | undefined;
    for (let s = 1; s <= TARGET_BACK_S + 10; s++) {
      await sleep(1000);
      const rss = rssOf(pid);
      if (s % 5 === 0 || rss <= idle + IDLE_SLACK) console.log(`  closed+${s}s  RSS ${mb(rss)} (+${mb(rss - idle)})`);
      if (rss <= idle + IDLE_SLACK) {
        backAfter = (Date.now() - closedAt) / 1000;
        break;
      }
    }
    const afterMs = await freshApiVersions(broker.port);
    console.log(`fresh ApiVersions after: ${fixed(afterMs, 1)} ms`);

    const above = peak - idle;
    console.log(`peak RSS above idle while held: ${mb(above)} (target < ${mb(TARGET_ABOVE_IDLE)}) ${above < TARGET_ABOVE_IDLE ? 'PASS' : 'FAIL'}`);
    console.log(
      backAfter === undefined
        ? `back to idle (within ${mb(IDLE_SLACK)}): not within ${TARGET_BACK_S + 10} s FAIL`
        : `back to idle (within ${mb(IDLE_SLACK)}) ${fixed(backAfter, 0)} s after the close (target < ${TARGET_BACK_S} s) ${backAfter < TARGET_BACK_S ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    for (const s of sockets) s.destroy();
    await broker.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
