// What `start`, `api` and `worker` share: the logger, the Kafka connection from
// the environment, running the chosen parts until SIGINT/SIGTERM, and a clean
// shutdown (requests answered, agents committed, producers flushed).
import pino, { type Logger } from 'pino';
import { startSystem, type RunningSystem, type SystemOptions } from '../runtime/system.js';

export function cliLogger(name = 'tributary', env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({ name, level: env.LOG_LEVEL ?? 'info' });
}


export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Starts the system, hands it to `onStarted`, and stops it on the first signal. */
export async function runUntilSignal(options: SystemOptions, onStarted: (system: RunningSystem) => void, afterStop?: () => Promise<void>): Promise<number> {
  const log = options.log!;
  const signal = waitForSignal();
  let system: RunningSystem;
  try {
    system = await startSystem(options);
  } catch (err) {
    await afterStop?.();
    throw err;
  }
  onStarted(system);
  const received = await signal;
  log.info({ signal: received }, 'stopping');
  await system.close();
  await afterStop?.();
  log.info('stopped');
  return 0;
}
