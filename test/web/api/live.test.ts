// The live twins over real HTTP: the first event is the GET's answer, the next
// one reflects a change made to the cluster; the messages twin tails (each
// event: what was appended since); events are never closer together than
// 1000 / LIVE_MAX_PER_SECOND ms on the server's clock (their ids); a client
// that goes stops its polling; closing the server ends open streams.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { eventually } from '../../helpers/system.js';
import { LIVE_MAX_PER_SECOND } from '../../../src/web/api/types.js';
import { clusterTools, startConsoleServer, type ClusterTools, type ConsoleServer } from './console-server.js';
import { openSse, type SseStream } from './sse.js';

describe('console API: live twins', () => {
  let broker: TestBroker;
  let server: ConsoleServer;
  let tools: ClusterTools;
  let base: string;
  const open: SseStream[] = [];
  before(async () => {
    broker = await startTestBroker();
    tools = clusterTools([broker.address]);
    // One sample at first use and no more: no rate changes between two events but the ones a test makes.
    server = await startConsoleServer([broker.address], { sampling: { activeMs: 3_600_000, idleMs: 3_600_000 } });
    await server.http.listen({ host: '127.0.0.1', port: 0 });
    const address = server.http.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    await tools.admin.createTopics({ topics: ['ticks', 'tail'], partitions: 1, replicas: 1 });
  });
  after(async () => {
    for (const s of open) s.close();
    // fetch keeps an aborted stream's socket a while (a browser's EventSource.close() does not): drop them.
    server?.http.server.closeAllConnections();
    await server?.close();
    await tools?.close();
    await broker?.destroy();
  });
  const sse = async (path: string) => {
    const s = await openSse(`${base}${path}`);
    open.push(s);
    return s;
  };

  test('the twin of topics/:topic: the same JSON first, then the change a produce made', async () => {
    const stream = await sse('/api/console/live/topics/ticks');
    assert.equal(stream.status, 200);
    assert.match(stream.contentType ?? '', /^text\/event-stream/);
    const first = await stream.next();
    assert.equal(first.data.name, 'ticks');
    assert.equal(first.data.endOffset, 0);
    await tools.send('ticks', [{ value: 'one' }]);
    const second = await stream.next();
    assert.equal(second.data.endOffset, 1);
    assert.ok(Number(second.id) >= Number(first.id) + 1000 / LIVE_MAX_PER_SECOND, `ids ${first.id} then ${second.id}`);
    stream.close();
  });

  test('the twin of messages tails: each event holds only the records appended since the last', async () => {
    await tools.send('tail', [{ value: 'old-1' }, { value: 'old-2' }]);
    const stream = await sse('/api/console/live/topics/tail/messages?limit=10');
    const first = await stream.next();
    assert.deepEqual(first.data.messages.map((m: { value: { value: string } }) => m.value.value), ['old-1', 'old-2']);
    await tools.send('tail', [{ value: 'new-1' }]);
    const second = await stream.next();
    assert.deepEqual(second.data.messages.map((m: { value: { value: string } }) => m.value.value), ['new-1']);
    assert.deepEqual(second.data.next, { '0': 3 });
    stream.close();
  });

  test('a tail holds at most `limit` records an event: more appended at once, the newest of them', async () => {
    const stream = await sse('/api/console/live/topics/tail/messages?limit=2');
    const first = await stream.next();
    assert.deepEqual(first.data.messages.map((m: { value: { value: string } }) => m.value.value), ['old-2', 'new-1']);
    await tools.send('tail', ['a', 'b', 'c', 'd', 'e'].map((value) => ({ value })));
    const second = await stream.next();
    assert.deepEqual(second.data.messages.map((m: { value: { value: string } }) => m.value.value), ['d', 'e']);
    assert.deepEqual(second.data.next, { '0': 8 });
    stream.close();
  });

  test(`never more than ${LIVE_MAX_PER_SECOND} events a second, however fast the topic changes`, async () => {
    const stream = await sse('/api/console/live/topics/ticks');
    let producing = true;
    const producer = (async () => {
      let i = 0;
      while (producing) await tools.send('ticks', [{ value: String(i++) }]);
    })();
    const ids: number[] = [];
    try {
      for (let i = 0; i < 6; i++) ids.push(Number((await stream.next()).id));
    } finally {
      producing = false;
      await producer;
      stream.close();
    }
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! - ids[i - 1]! >= 1000 / LIVE_MAX_PER_SECOND, `event ids ${ids.join(', ')}`);
  });

  test('an unknown topic is an error event with the 404, and the stream ends', async () => {
    const stream = await sse('/api/console/live/topics/nope');
    const event = await stream.next();
    assert.equal(event.event, 'error');
    assert.equal(event.data.statusCode, 404);
    await assert.rejects(stream.next(), /ended/);
  });

  test('a client that goes stops its stream polling', async () => {
    const before = server.live.stats.open;
    const stream = await sse('/api/console/live/overview');
    await stream.next();
    assert.equal(server.live.stats.open, before + 1);
    stream.close();
    await eventually(() => server.live.stats.open === before, 'the stream to be closed on the server');
    const polls = server.live.stats.polls;
    // Another stream's poll runs after the closed one would have polled again: it did not.
    const other = await sse('/api/console/live/groups');
    await other.next();
    other.close();
    await eventually(() => server.live.stats.open === before, 'the second stream to close');
    assert.ok(server.live.stats.polls - polls <= 2, `polls after close: ${server.live.stats.polls - polls}`);
  });
});

describe('console API: streams and the sampler end with the server', () => {
  test('nothing samples before the first console request; close() ends streams and the sampler', async () => {
    const broker = await startTestBroker();
    try {
      const server = await startConsoleServer([broker.address]);
      assert.equal(server.console.sampler.running, false);
      await server.http.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.http.server.address() as { port: number };
      assert.equal(server.console.sampler.running, false, 'listening alone starts nothing');
      const stream = await openSse(`http://127.0.0.1:${port}/api/console/live/overview`);
      await stream.next();
      assert.equal(server.console.sampler.running, true);
      await server.close();
      assert.equal(server.console.sampler.running, false);
      assert.equal(server.live.stats.open, 0);
      await assert.rejects(stream.next(), /ended|terminated|abort/i);
    } finally {
      await broker.destroy();
    }
  });
});

describe('console API: pings', () => {
  test('a stream with nothing new still sends a `: ping` comment every pingMs', async () => {
    const broker = await startTestBroker();
    const server = await startConsoleServer([broker.address], { pingMs: 50 });
    try {
      await server.http.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.http.server.address() as { port: number };
      const tools = clusterTools([broker.address]);
      await tools.admin.createTopics({ topics: ['quiet'], partitions: 1, replicas: 1 });
      const stream = await openSse(`http://127.0.0.1:${port}/api/console/live/topics/quiet/messages`);
      await stream.next();
      // The next event comes only with a new record: produce one once a ping has arrived.
      const waiting = stream.next();
      await eventually(() => stream.comments.length > 0, 'a ping');
      await tools.send('quiet', [{ value: 'after the ping' }]);
      const event = await waiting;
      assert.equal(event.data.messages[0].value.value, 'after the ping');
      assert.ok(stream.comments.includes('ping'), JSON.stringify(stream.comments));
      stream.close();
      await tools.close();
    } finally {
      server.http.server.closeAllConnections();
      await server.close();
      await broker.destroy();
    }
  });
});

