// kcat (librdkafka) as the load generator: writes the line-per-record payload
// file, runs `kcat -P -l file` and `kcat -C -o beginning -e`, and times each
// process from spawn to exit. The consumer's output is one line per record
// with the value's size (-f '%S\n'), parsed as it streams, so records and
// payload bytes received are counted on the client side.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const KCAT = process.env.KCAT ?? 'kcat';

/** kcat processes still running, so an interrupted bench can stop them. */
const live = new Set<ChildProcess>();
let stopped = false;

/** Kills (SIGKILL) every kcat this module started that is still running, and refuses to start more. */
export function killKcats(): void {
  stopped = true;
  for (const child of live) child.kill('SIGKILL');
}

/** kcat's and librdkafka's versions from `kcat -V`; throws when kcat cannot be run. */
export function kcatVersion(): string {
  const res = spawnSync(KCAT, ['-V'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) throw new Error(`cannot run ${KCAT} -V: ${res.error?.message ?? res.stderr}`);
  const m = /Version (\S+).*librdkafka (\S+)/.exec(res.stdout);
  return m ? `kcat ${m[1]} (librdkafka ${m[2]})` : res.stdout.split('\n')[0]!.trim();
}

/**
 * Writes `count` records of exactly `size` bytes, one per line: a zero-padded
 * sequence number then filler, so every value is distinct. Returns the path.
 */
export function writePayloadFile(dir: string, size: number, count: number): string {
  const file = path.join(dir, `payload-${size}b-${count}.txt`);
  const lineLen = size + 1;
  const perChunk = Math.max(1, Math.floor((4 * 1024 * 1024) / lineLen));
  const chunk = Buffer.alloc(perChunk * lineLen);
  const filler = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  for (let i = 0; i < perChunk; i++) {
    const at = i * lineLen;
    for (let j = 0; j < size; j++) chunk[at + j] = filler.charCodeAt(j % filler.length);
    chunk[at + size] = 0x0a;
  }
  const digits = Math.min(size, 10);
  const fd = fs.openSync(file, 'w');
  try {
    for (let start = 0; start < count; start += perChunk) {
      const n = Math.min(perChunk, count - start);
      for (let i = 0; i < n; i++) {
        chunk.write(String(start + i).padStart(digits, '0').slice(-digits), i * lineLen, 'latin1');
      }
      fs.writeSync(fd, chunk, 0, n * lineLen);
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

export interface KcatRun {
  wallMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

interface SpawnOptions {
  timeoutMs: number;
  onStdout?: (chunk: Buffer) => void;
}

function run(args: string[], opts: SpawnOptions): Promise<KcatRun> {
  if (stopped) return Promise.reject(new Error('the bench is stopping'));
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(KCAT, args, { stdio: ['ignore', opts.onStdout ? 'pipe' : 'ignore', 'pipe'] });
    live.add(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 64 * 1024) stderr += d;
    });
    if (opts.onStdout) child.stdout!.on('data', opts.onStdout);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      live.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (timedOut) stderr += `\n(killed after the ${opts.timeoutMs} ms timeout)`;
      resolve({ wallMs, code, signal, stderr });
    });
  });
}

export interface KcatProduceOptions {
  address: string;
  topic: string;
  file: string;
  acks: '1' | 'all';
  /** Extra `-X prop=val` settings (none by default: librdkafka's defaults). */
  config?: Record<string, string>;
  timeoutMs?: number;
}

export function kcatProduce(o: KcatProduceOptions): Promise<KcatRun> {
  const args = ['-P', '-b', o.address, '-t', o.topic, '-X', `acks=${o.acks}`];
  for (const [k, v] of Object.entries(o.config ?? {})) args.push('-X', `${k}=${v}`);
  args.push('-l', o.file);
  return run(args, { timeoutMs: o.timeoutMs ?? 300_000 });
}

export interface KcatConsumeResult extends KcatRun {
  records: number;
  /** Sum of the value sizes kcat printed (%S). */
  valueBytes: number;
}

export interface KcatConsumeOptions {
  address: string;
  topic: string;
  /** Extra `-X prop=val` settings. */
  config?: Record<string, string>;
  timeoutMs?: number;
  /** Called with the records counted so far, as output arrives. */
  onRecords?: (records: number) => void;
}

export async function kcatConsume(o: KcatConsumeOptions): Promise<KcatConsumeResult> {
  let records = 0;
  let valueBytes = 0;
  let acc = 0;
  const onStdout = (chunk: Buffer) => {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 0x0a) {
        records++;
        valueBytes += acc;
        acc = 0;
      } else if (c >= 0x30 && c <= 0x39) {
        acc = acc * 10 + (c - 0x30);
      }
    }
    o.onRecords?.(records);
  };
  const args = ['-C', '-b', o.address, '-t', o.topic, '-o', 'beginning', '-e', '-q', '-f', '%S\n'];
  for (const [k, v] of Object.entries(o.config ?? {})) args.push('-X', `${k}=${v}`);
  const res = await run(args, { timeoutMs: o.timeoutMs ?? 300_000, onStdout });
  return { ...res, records, valueBytes };
}
