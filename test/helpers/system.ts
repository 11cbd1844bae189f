// End-to-end harness: a real embedded broker on an ephemeral port, PGlite in a
// temp folder (or the PostgreSQL of TEST_DATABASE_URL), and the chosen services
// started as `npm start` starts them, with the API listening on 127.0.0.1:0 so
// tests talk to it over real HTTP, as curl would.
import fs from 'node:fs';
import pino from 'pino';
import type { BrokerOptions } from '../../src/broker/config.js';
import { startSystem, type RunningSystem, type SystemOptions } from '../../src/runtime/system.js';
import { startTestBroker, tempDir, type TestBroker } from './broker.js';
import { seedPGlite } from './pglite.js';
import { waitFor } from '../../src/stream/wait.js';

export interface TestSystem extends RunningSystem {
  broker: TestBroker;
  url: string;
  kafka: { brokers: string[]; clientId: string };
  /** Environment the system got (DATA_DIR etc.), for CLI child processes. */
  env: NodeJS.ProcessEnv;
  /** Stops the system (not the broker) and starts it again on the same broker, data dir and env. */
  restart(overrides?: Partial<SystemOptions>): Promise<TestSystem>;
  /** Stops the system, the broker, and removes the temp folders. */
  close(): Promise<void>;
}

export interface TestSystemOptions extends Partial<Omit<SystemOptions, 'kafka'>> {
  broker?: BrokerOptions;
  /** Reuse a broker (restart tests). */
  existingBroker?: TestBroker;
  dataDir?: string;
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const broker = options.existingBroker ?? (await startTestBroker({ groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000, ...options.broker }));
  const dataDir = options.dataDir ?? tempDir('tributary-system-');
  const kafka = { brokers: [broker.address], clientId: 'tributary-test' };
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_BROKERS: broker.address, DATA_DIR: dataDir, ...options.env };
  delete env.DATABASE_URL;
  if (options.env?.DATABASE_URL) env.DATABASE_URL = options.env.DATABASE_URL;
  const log = pino({ level: process.env.TRIBUTARY_TEST_LOG ? 'debug' : 'silent' });
  // A new PGlite folder starts as a copy of an initialised one (see ./pglite.ts).
  if (!options.database && !env.DATABASE_URL && !fs.existsSync(`${dataDir}/db`)) await seedPGlite(`${dataDir}/db`);
  const system = await startSystem({
    kafka,
    env,
    log,
    database: options.database ?? { url: env.DATABASE_URL ?? null, dataDir: `${dataDir}/db` },
    services: options.services,
    workers: options.workers,
    api: options.api === false ? false : { host: '127.0.0.1', port: 0, ...options.api },
  }).catch(async (err) => {
    if (!options.existingBroker) await broker.destroy();
    throw err;
  });
  const self: TestSystem = {
    ...system,
    url: system.url ?? '',
    broker,
    kafka,
    env,
    async restart(overrides = {}) {
      await system.close();
      return startTestSystem({ ...options, ...overrides, existingBroker: broker, dataDir });
    },
    async close() {
      await system.close();
      if (!options.existingBroker) await broker.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}

/** JSON request against the system's API; answers status and parsed body. */
export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * Resolves with the first truthy result of `check`, re-run every 20 ms (the
 * condition lives in another component, e.g. a worker's database write, that
 * announces nothing); a check that throws is retried. Rejects after
 * `timeoutMs` naming what it waited for.
 */
export function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  return waitFor(check, { what, timeout: timeoutMs, interval: 20, retryErrors: true });
}
