// A closed-loop HTTP load generator in a process of its own (forked by a bench),
// so the latencies it measures do not include its own work on the server's
// thread: `clients` keep-alive connections, each sending `perClient` requests one
// after the other. Sends the bench the latencies in ms over IPC. The client is a
// plain socket writing one fixed request and reading the answer's head and
// Content-Length bytes: on a 2-core machine a full HTTP client costs several
// times the server's CPU per request and takes it from the server it measures.
import net from 'node:net';

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

const HEAD_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection sending `count` requests in turn; each answer's status goes to `onAnswer`. */
function connection(url: URL, method: string, count: number, onAnswer: (status: number, ms: number) => void): Promise<void> {
  const request = Buffer.from(`${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 0\r\n\r\n`);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let buffered: Buffer = Buffer.alloc(0);
    let sent = 0;
    let started = 0;
    const send = () => {
      sent++;
      started = performance.now();
      socket.write(request);
    };
    socket.once('connect', send);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf(HEAD_END);
        if (end === -1) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!length) return socket.destroy(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
        const total = end + HEAD_END.length + Number(length[1]);
        if (buffered.length < total) return;
        onAnswer(Number(head.slice(9, 12)), performance.now() - started);
        buffered = buffered.subarray(total);
        if (sent === count) return void socket.end(resolve);
        send();
      }
    });
    socket.on('error', reject);
  });
}

async function run(req: LoadRequest): Promise<LoadResult> {
  const url = new URL(req.url);
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: req.clients }, () =>
      connection(url, req.method, req.perClient, (status, ms) => {
        latencies.push(ms);
        if (status < 200 || status > 299) errors[status] = (errors[status] ?? 0) + 1;
      }),
    ),
  );
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
