// Listeners as Kafka writes them: parsing and the advertised addresses, and a
// broker behind a port mapping (a TCP proxy in front of it, advertised instead
// of the port it binds), which kafkajs and kcat reach through the proxy only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseListeners, parseProtocolMap, resolveListeners, ListenerConfigError } from '../../src/broker/listeners.js';
import { resolveConfig } from '../../src/broker/config.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { RawClient } from '../helpers/raw-client.js';
import { kafkajsClient } from '../helpers/kafkajs.js';
import { kcat } from '../helpers/kcat.js';
import { ApiKey } from '../../src/broker/protocol/apis.js';

describe('parsing listeners', () => {
  it('reads several listeners with their protocols, custom names through the protocol map', () => {
    const specs = parseListeners('PLAINTEXT://0.0.0.0:9092, sasl_ssl://127.0.0.1:9093,INTERNAL://[::1]:9094,EXTERNAL://:9095');
    assert.deepEqual(specs, [
      { name: 'PLAINTEXT', host: '0.0.0.0', port: 9092 },
      { name: 'SASL_SSL', host: '127.0.0.1', port: 9093 },
      { name: 'INTERNAL', host: '::1', port: 9094 },
      { name: 'EXTERNAL', host: '', port: 9095 },
    ]);
    const resolved = resolveListeners(specs, parseListeners('EXTERNAL://kafka.example.com:19095', 'advertised.listeners'), parseProtocolMap('INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL'));
    assert.deepEqual(
      resolved.map((l) => [l.name, l.securityProtocol, l.advertisedHost, l.advertisedPort]),
      [
        ['PLAINTEXT', 'PLAINTEXT', '127.0.0.1', 0],
        ['SASL_SSL', 'SASL_SSL', '127.0.0.1', 0],
        ['INTERNAL', 'PLAINTEXT', '::1', 0],
        ['EXTERNAL', 'SASL_SSL', 'kafka.example.com', 19095],
      ],
    );
  });

  it('refuses what Kafka refuses, naming the problem', () => {
    assert.throws(() => parseListeners('localhost:9092'), /is not NAME:\/\/host:port/);
    assert.throws(() => parseListeners('PLAINTEXT://a:1,PLAINTEXT://b:2'), /appears twice/);
    assert.throws(() => resolveListeners(parseListeners('CUSTOM://a:1'), undefined, parseProtocolMap(undefined)), /listener.security.protocol.map/);
    assert.throws(() => resolveListeners(parseListeners('PLAINTEXT://a:1'), parseListeners('SSL://b:2'), parseProtocolMap(undefined)), /SSL is not one of the listeners/);
    assert.throws(() => parseProtocolMap('X:TLS'), ListenerConfigError);
    assert.throws(() => resolveConfig({ listeners: 'SASL_PLAINTEXT://127.0.0.1:0' }), /needs sasl options/);
    assert.throws(() => resolveConfig({ listeners: 'SSL://127.0.0.1:0' }), /needs tls options/);
  });

  it('host, port and advertisedHost still make one PLAINTEXT listener', () => {
    const config = resolveConfig({ host: '0.0.0.0', port: 9092, advertisedHost: 'broker.local' });
    assert.deepEqual(config.listeners, [
      { name: 'PLAINTEXT', host: '0.0.0.0', port: 9092, securityProtocol: 'PLAINTEXT', advertisedHost: 'broker.local', advertisedPort: 0 },
    ]);
  });
});

describe('a listener advertised on another port than it binds (a port mapping)', () => {
  let broker: TestBroker;
  let proxy: TcpProxy;

  before(async () => {
    // The proxy reads its target when a client connects, so it can exist before the broker's port is known.
    const target = { host: '127.0.0.1', port: 0 };
    proxy = await startTcpProxy(target);
    broker = await startTestBroker({
      listeners: 'PLAINTEXT://127.0.0.1:0',
      advertisedListeners: `PLAINTEXT://localhost:${proxy.port}`,
    });
    target.port = broker.listeners[0]!.port;
  });

  after(async () => {
    await broker.destroy();
    await proxy.close();
  });

  it('Metadata, FindCoordinator and DescribeCluster answer the advertised port', async () => {
    assert.equal(broker.address, `localhost:${proxy.port}`);
    assert.notEqual(broker.listeners[0]!.port, proxy.port);
    const raw = await RawClient.connect(broker.listeners[0]!.port);
    const md = await raw.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    assert.deepEqual(md.brokers.map((b: { host: string; port: number }) => `${b.host}:${b.port}`), [`localhost:${proxy.port}`]);
    const fc = await raw.request(ApiKey.FindCoordinator, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
    assert.equal(fc.port, proxy.port);
    const dc = await raw.request(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: false });
    assert.equal(dc.brokers[0].port, proxy.port);
    raw.close();
  });

  it('kafkajs bootstrapped through the proxy produces and reads back', async () => {
    const before = proxy.piped;
    const kafka = kafkajsClient(`localhost:${proxy.port}`);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'mapped', messages: [{ value: 'through the mapping' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    assert.deepEqual((await admin.fetchTopicOffsets('mapped')).map((p) => p.high), ['1']);
    await admin.disconnect();
    assert.ok(proxy.piped > before, 'connections went through the proxy');
  });

  it('kcat reads the topic through the proxy', async () => {
    const res = await kcat(['-b', `localhost:${proxy.port}`, '-C', '-t', 'mapped', '-o', 'beginning', '-e', '-q']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim(), 'through the mapping');
  });
});
