// A closed-loop HTTP load generator in a process of its own (forked by a bench),
// so the latencies it measures do not include its own work on the server's
// thread: `clients` keep-alive connections, each sending `perClient` requests one
// after the other. Sends the bench the latencies in ms over IPC.
import { Pool } from 'undici';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  clients: number;
  perClient: number;
}

export interface LoadResult {
  latencies: number[];
  /** Status codes other than 2xx, with a count each. */
  errors: Record<string, number>;
  /** CPU of this process (the client side), ms. */
  cpuMs: number;
}

async function run(req: LoadRequest): Promise<LoadResult> {
  const url = new URL(req.url);
  const pool = new Pool(url.origin, { connections: req.clients, pipelining: 1 });
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const cpu = process.cpuUsage();
  try {
    await Promise.all(
      Array.from({ length: req.clients }, async () => {
        for (let i = 0; i < req.perClient; i++) {
          const started = performance.now();
          const res = await pool.request({ method: req.method, path: url.pathname + url.search });
          await res.body.text();
          latencies.push(performance.now() - started);
          if (res.statusCode < 200 || res.statusCode > 299) errors[res.statusCode] = (errors[res.statusCode] ?? 0) + 1;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  const used = process.cpuUsage(cpu);
  return { latencies, errors, cpuMs: (used.user + used.system) / 1000 };
}

process.on('message', (req: LoadRequest) => {
  run(req).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
