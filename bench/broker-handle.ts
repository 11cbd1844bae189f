// The bench's side of the broker child: forks bench/broker-process.ts, compiled
// to plain JavaScript (child-build.ts), optionally with `--cpu-prof`, waits for
// its address, sends it requests over IPC, and stops it — gracefully, else with
// SIGKILL — removing its data dir either way.
import fs from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { compiledBrokerProcess } from './child-build.js';
import type { BrokerStats, ChildMessage, ChildRequest } from './ipc.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface BrokerHandleOptions {
  /** Write a V8 CPU profile of the broker process into this directory (node --cpu-prof). */
  cpuProfileDir?: string;
  /** Called for each log line the broker emits (warn/error are the interesting ones). */
  onLog?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  startTimeoutMs?: number;
  /** Where the broker keeps its data: a path that does not exist yet (default: a new temp dir of the child's). */
  dataDir?: string;
  /** The data dir may hold a previous run's data and is kept when the broker stops (restart measurements). */
  keepData?: boolean;
}

export class BrokerHandle {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: ChildMessage) => void; reject: (e: Error) => void }>();
  private exitInfo: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly address: string,
    readonly port: number,
    readonly dataDir: string,
    private readonly keepData = false,
  ) {
    child.on('message', (m: ChildMessage) => {
      if (m.type !== 'reply') return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    });
    child.on('exit', (code, signal) => {
      this.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      for (const p of this.pending.values()) p.reject(new Error(`broker process ended (${this.exitInfo})`));
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the broker process is gone, or undefined while it runs. */
  get exited(): string | undefined {
    return this.exitInfo;
  }

  static start(options: BrokerHandleOptions = {}): Promise<BrokerHandle> {
    const script = compiledBrokerProcess();
    const execArgv: string[] = [];
    if (options.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
    const argv = options.dataDir ? [options.dataDir, ...(options.keepData ? ['keep'] : [])] : [];
    const child = fork(script, argv, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`broker process did not report ready within ${options.startTimeoutMs ?? 30_000} ms`));
      }, options.startTimeoutMs ?? 30_000);
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        reject(new Error(`broker process exited before it was ready (${signal ?? `exit code ${code}`})`));
      };
      child.once('exit', onExit);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'log') options.onLog?.(m.level, m.msg, m.extra);
        else if (m.type === 'start-failed') {
          clearTimeout(timer);
          child.off('exit', onExit);
          reject(new Error(`broker failed to start:\n${m.error}`));
        } else if (m.type === 'ready') {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(new BrokerHandle(child, m.address, m.port, m.dataDir, options.keepData));
        }
      });
    });
  }

  private request(req: DistributiveOmit<ChildRequest, 'id'>, timeoutMs = 30_000): Promise<ChildMessage> {
    if (this.exitInfo) return Promise.reject(new Error(`broker process ended (${this.exitInfo})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`broker did not answer ${req.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          if (m.type === 'reply' && !m.ok) reject(new Error(`broker ${req.type} failed: ${m.error}`));
          else resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...req, id } as ChildRequest);
    });
  }

  async stats(): Promise<BrokerStats> {
    const m = await this.request({ type: 'stats' });
    if (m.type !== 'reply' || !m.ok || !m.stats) throw new Error('broker answered stats without stats');
    return m.stats;
  }

  /**
   * Resolves once the broker has opened (recovered) every partition that
   * existed at its start, with the time from its startBroker() call to then.
   */
  async allOpened(timeoutMs = 300_000): Promise<{ startToOpenedMs: number }> {
    const m = await this.request({ type: 'all-opened' }, timeoutMs);
    return { startToOpenedMs: m.type === 'reply' && m.ok ? (m.startToOpenedMs ?? NaN) : NaN };
  }

  /** SIGKILL, as a crash: nothing is closed or flushed by the broker. */
  async kill(): Promise<void> {
    if (this.exitInfo) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  async createTopic(name: string, partitions: number): Promise<void> {
    await this.request({ type: 'create-topic', name, partitions });
  }

  /** Asks the broker to close (so a CPU profile gets written), then makes sure it is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.exitInfo) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try {
        await this.request({ type: 'shutdown' }, graceMs);
        await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
      } catch {
        // fall through to the kill
      }
      if (!this.exitInfo) {
        this.child.kill('SIGKILL');
        await exited;
      }
    }
    if (!this.keepData) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
