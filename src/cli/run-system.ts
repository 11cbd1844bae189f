// What `start`, `api` and `worker` share: the logger, the Kafka connection from
// the environment, running the chosen parts until SIGINT/SIGTERM, and a clean
// shutdown (requests answered, agents committed, producers flushed).
import type { Logger } from 'pino';
import { stdoutLogger } from '../runtime/logger.js';
import type { RunningSystem, SystemOptions } from '../runtime/system.js';

export function cliLogger(name = 'tributary', env: NodeJS.ProcessEnv = process.env): Logger {
  return stdoutLogger(name, env.LOG_LEVEL ?? 'info');
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

/**
 * Starts the system, hands it to `onStarted` once it and `alsoStarting` (what runs
 * beside it, e.g. `tributary start`'s workers) are up, and stops it on the first signal.
 */
export async function runUntilSignal(
  options: SystemOptions,
  onStarted: (system: RunningSystem) => void,
  afterStop?: () => Promise<void>,
  alsoStarting?: Promise<void>,
): Promise<number> {
  const log = options.log!;
  const signal = waitForSignal();
  let system: RunningSystem | undefined;
  try {
    const { startSystem } = await import('../runtime/system.js');
    system = await startSystem(options);
    await alsoStarting;
  } catch (err) {
    await system?.close();
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
