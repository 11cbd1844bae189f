// Starts the broker thread (broker-thread.ts) and waits until it listens.
// The thread's file is found next to this module: .ts under tsx (the thread
// is given tsx's loader) and .js from dist/.
import { Worker } from 'node:worker_threads';
import type { BrokerOptions } from '../broker/config.js';
import type { BrokerThreadData } from './broker-thread.js';

export interface BrokerThread {
  address: string;
  dataDir: string;
  /** Closes the broker cleanly (segments flushed) and ends the thread. */
  stop(): Promise<void>;
}

export async function startBrokerThread(options: Omit<BrokerOptions, 'log'>, logLevel = 'info'): Promise<BrokerThread> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./broker-thread${ext}`, import.meta.url);
  const workerData = { options, logLevel } satisfies BrokerThreadData;
  // Under tsx (tests, `tsx src/cli/main.ts`) the thread registers tsx's loader before loading its .ts entry.
  const worker =
    ext === '.ts'
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true, workerData })
      : new Worker(entry, { workerData });
  const next = () =>
    new Promise<{ type: string; address?: string; dataDir?: string; message?: string }>((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(m);
      };
      const onError = (err: Error) => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        reject(err);
      };
      const onExit = (code: number) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        reject(new Error(`the broker thread exited with code ${code}`));
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  const first = await next();
  if (first.type !== 'listening') {
    await worker.terminate();
    throw new Error(`the embedded broker did not start: ${first.message ?? first.type}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    address: first.address!,
    dataDir: first.dataDir!,
    stop() {
      stopping ??= (async () => {
        const done = next().catch(() => ({ type: 'exited' }));
        worker.postMessage({ type: 'stop' });
        await done;
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
