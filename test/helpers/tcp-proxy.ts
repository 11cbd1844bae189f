// A TCP proxy in front of a server (PostgreSQL, for the worker's database
// outages): clients connect to `port`, bytes go both ways unchanged. `cut()`
// drops every open connection and, until `restore()`, closes new ones as soon
// as they arrive, so a client sees its server go away at once (a reset, not a
// hang). It keeps listening on the same port throughout, so the client's
// configuration never changes.
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted and piped since the start (not counting the ones refused while cut). */
  readonly piped: number;
  readonly isCut: boolean;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let cut = false;
  let piped = 0;
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    piped++;
    const upstream = net.connect(target.port, target.host);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        open.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    get piped() {
      return piped;
    },
    get isCut() {
      return cut;
    },
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    restore() {
      cut = false;
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
