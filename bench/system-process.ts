// `tributary start` as a child process for the benches that measure the system
// as users run it (every service, the embedded broker in its thread, PGlite): on
// free ports in a temp DATA_DIR, its output in a log file, ready when /readyz
// answers 200. The child is `node bin/tributary.js start` when dist/ is at least
// as new as src/ (`npm run build`), else the same CLI from source through tsx.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** The start command: the built CLI when dist/ is current, else the sources through tsx. */
export function startCommand(): { args: string[]; what: string } {
  const dist = path.join(root, 'dist');
  if (fs.existsSync(path.join(dist, 'cli', 'main.js')) && newestMtime(dist, '.js') >= newestMtime(path.join(root, 'src'), '.ts')) {
    return { args: ['bin/tributary.js', 'start'], what: 'node bin/tributary.js start' };
  }
  return { args: ['--import', 'tsx', 'src/cli/main.ts', 'start'], what: 'node --import tsx src/cli/main.ts start (dist/ is missing or older than src/)' };
}

export async function waitReady(url: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tributary start exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`tributary start was not ready within ${timeoutMs / 1000} s`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

export interface SystemProcess {
  child: ChildProcess;
  url: string;
  brokerAddress: string;
  dataDir: string;
  logFile: string;
  what: string;
  /** The last lines of its log, for an error message. */
  tail(lines?: number): string;
  /** Stops it (SIGTERM, then SIGKILL after 30 s); removes its data dir unless `keep`. */
  close(keep?: boolean): Promise<void>;
}

/** Starts `tributary start` (env added to this process's; nodeArgs before the script, e.g. --cpu-prof) and resolves once it is ready. */
export async function startSystemProcess(label: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<SystemProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tributary-bench-${label}-`));
  const [port, brokerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const command = startCommand();
  const logFile = path.join(dataDir, 'start.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs, ...command.args], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BROKER_PORT: String(brokerPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn', KAFKA_BROKERS: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', log, log],
  });
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  const self: SystemProcess = {
    child,
    url,
    brokerAddress: `127.0.0.1:${brokerPort}`,
    dataDir,
    logFile,
    what: command.what,
    tail: (lines = 30) => fs.readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'),
    async close(keep = false) {
      await stop(child);
      process.off('exit', kill);
      fs.closeSync(log);
      if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(url, child);
  } catch (err) {
    throw new Error(`${(err as Error).message}; its log (${logFile}):\n${self.tail()}`, { cause: err });
  }
  return self;
}
