// The embedded broker in a worker thread: `npm start` runs it here so its I/O
// and request handling never wait behind the HTTP server and the workers on the
// main thread. It posts { type: 'ready', address, dataDir } once it accepts
// connections (the rest of the protocol is in thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { startBroker } from '../broker/index.js';
import type { BrokerOptions } from '../broker/config.js';
import { stdoutLogger } from './logger.js';

export interface BrokerThreadData {
  options: Omit<BrokerOptions, 'log'>;
  logLevel: string;
  /** Log lines as text (the main thread's stdout is a terminal). */
  pretty: boolean;
}

const port = parentPort;
if (!port) throw new Error('broker-thread.ts runs as a worker thread');
const data = workerData as BrokerThreadData;
const logger = stdoutLogger('broker', data.logLevel, data.pretty);

try {
  const broker = await startBroker({ ...data.options, log: (level, msg, extra) => logger[level](extra ?? {}, msg) });
  port.postMessage({ type: 'ready', address: broker.address, dataDir: broker.broker.config.dataDir });
  port.on('message', (m: { type: string }) => {
    if (m.type !== 'stop') return;
    broker.close().then(
      () => port.postMessage({ type: 'stopped' }),
      (err: unknown) => port.postMessage({ type: 'error', message: String(err) }),
    );
  });
} catch (err) {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}
