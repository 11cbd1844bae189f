// Starts one of the runtime's threads (broker-thread.ts, workers-thread.ts) and
// waits for its first message. A thread's file is found next to this module:
// .ts under tsx (the thread first registers tsx's loader) and .js from dist/.
// Protocol: the thread posts { type: 'ready', ... } or { type: 'error',
// message }; on { type: 'stop' } it closes and posts { type: 'stopped' }. A
// thread can be started before all it needs is known: `handOver` resolves with
// what comes later, posted to it as { type: 'start', ... } (a rejection ends it).
import { Worker, type Transferable } from 'node:worker_threads';

export interface Thread<R> {
  /** The thread's 'ready' message. */
  ready: R;
  /** Asks the thread to close cleanly, then ends it. */
  stop(): Promise<void>;
}

type Message = { type: string; message?: string };

export async function startThread<R extends Message>(
  name: string,
  workerData: unknown,
  transferList: Transferable[] = [],
  handOver?: Promise<object>,
): Promise<Thread<R>> {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const entry = new URL(`./${name}${ext}`, import.meta.url);
  const worker =
    ext === '.ts'
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true, workerData, transferList })
      : new Worker(entry, { workerData, transferList });
  const next = () =>
    new Promise<Message>((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (m: Message) => {
        cleanup();
        resolve(m);
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`the ${name} thread exited with code ${code}`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  const firstMessage = next();
  handOver?.then(
    (more) => worker.postMessage({ ...more, type: 'start' }),
    () => worker.terminate(),
  );
  const first = await firstMessage.catch((err: Error) => ({ type: 'error', message: err.message }));
  if (first.type !== 'ready') {
    await worker.terminate();
    throw new Error(`${name} did not start: ${first.message ?? first.type}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    ready: first as R,
    stop() {
      stopping ??= (async () => {
        const done = next().catch((): Message => ({ type: 'exited' }));
        worker.postMessage({ type: 'stop' });
        const m = await done;
        if (m.type === 'error') console.error(`tributary: stopping the ${name} thread: ${m.message}`);
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
