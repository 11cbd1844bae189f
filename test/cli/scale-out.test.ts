// The parts run apart, as docker-compose.yml runs them: two `tributary api`
// processes and a `tributary worker baskets` process against one broker and
// one PostgreSQL. A basket posted to one API is stored by the worker and read
// through the other; a state message reaches both APIs (each has its own group).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';

interface Part {
  child: ChildProcess;
  output: () => string;
}

/** Starts `tributary <args>` and resolves once its log shows `ready` matching. */
function startPart(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Part & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const match = ready.exec(out);
      if (match) {
        child.stdout!.off('data', onData);
        resolve({ child, output: () => out, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => reject(new Error(`tributary ${args.join(' ')} exited with ${code}:\n${out}`)));
  });
}

function stop(part: Part): Promise<number | null> {
  return new Promise((resolve) => {
    if (part.child.exitCode !== null) return resolve(part.child.exitCode);
    part.child.once('exit', (code) => resolve(code));
    part.child.kill('SIGTERM');
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await check();
    if (r !== undefined) return r;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50)); // another process's work: poll its API
  }
}

describe('scale-out: api and worker processes', () => {
  let broker: TestBroker | undefined;
  after(async () => {
    await broker?.destroy();
  });

  test('two APIs and a worker share one broker and one PostgreSQL', async (t) => {
    const database = await createTestDatabase(t, 'tributary_scale');
    if (!database) return;
    broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
    const env = { KAFKA_BROKERS: broker.address, DATABASE_URL: database.url, PORT: '0' };
    const parts: Part[] = [];
    try {
      const worker = await startPart(['worker', 'baskets'], env, /workers running: baskets/);
      parts.push(worker);
      const apis = await Promise.all([1, 2].map(() => startPart(['api', '--services', 'baskets,state'], env, /API listening on (http:\/\/[\d.:]+)/)));
      parts.push(...apis);
      const [url1, url2] = apis.map((a) => a.match[1]!);

      const posted = await fetch(`${url1}/data`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'scale-1', store: 'Ghent', date: '2024-02-01', products: [{ id: 'p', name: 'Croissants', price: 1.2 }] }),
      });
      assert.deepEqual(await posted.json(), { status: 'ok' });
      const stored = await until('the worker to store the basket', async () => {
        const res = await fetch(`${url2}/baskets/scale-1`);
        return res.status === 200 ? ((await res.json()) as { products: { category: string }[] }) : undefined;
      });
      assert.equal(stored.products[0]!.category, 'Bakery');

      const sent = await runCli(['state', 'send', '--state', '31'], { env: { KAFKA_BROKERS: broker.address } });
      assert.equal(sent.code, 0, sent.stderr);
      for (const url of [url1, url2]) {
        await until(`${url} to show state 31`, async () => (((await (await fetch(`${url}/state`)).json()) as { state: number }).state === 31 ? true : undefined));
      }
    } finally {
      const codes = await Promise.all(parts.map(stop));
      await database.drop();
      assert.deepEqual(codes, parts.map(() => 0), 'every part stops cleanly on SIGTERM');
    }
  });
});
