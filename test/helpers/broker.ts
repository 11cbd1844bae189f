// Starts a real embedded broker on an ephemeral port with a fresh data dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type RunningBroker } from '../../src/broker/index.js';
import type { BrokerOptions } from '../../src/broker/config.js';

export interface TestBroker extends RunningBroker {
  dataDir: string;
  /** Stops the broker and removes its data dir. */
  destroy(): Promise<void>;
}

export function tempDir(prefix = 'tributary-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestBroker(options: BrokerOptions = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? tempDir();
  // TRIBUTARY_TEST_LOG=1 prints the broker's own log lines while debugging a test.
  const log = process.env.TRIBUTARY_TEST_LOG ? (level: string, msg: string, extra?: unknown) => console.error(`[broker ${level}] ${msg}`, extra ?? '') : undefined;
  const running = await startBroker({ port: 0, log, ...options, dataDir });
  return {
    ...running,
    dataDir,
    async destroy() {
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
