// ApiVersions feature levels over raw requests: v3 and v4 carry Kafka 4.0's
// feature names (metadata.version, group.version, transaction.version) in the
// tagged SupportedFeatures / FinalizedFeatures fields with their epoch; v2 has
// no room for them; librdkafka (kcat) still parses the v3 answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { kcat } from '../../helpers/kcat.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';

let broker: TestBroker;
let client: RawClient;

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.connect(broker.port);
});

after(async () => {
  client.close();
  await broker.destroy();
});

describe('ApiVersions feature levels', () => {
  for (const version of [3, 4]) {
    it(`v${version} advertises supported and finalized features`, async () => {
      const res = await client.request(ApiKey.ApiVersions, version, { clientSoftwareName: 'features-test', clientSoftwareVersion: '1.0' });
      assert.equal(res.errorCode, ErrorCode.NONE);
      const supported = Object.fromEntries(res.supportedFeatures.map((f: any) => [f.name, [f.minVersion, f.maxVersion]]));
      assert.deepEqual(supported, { 'group.version': [0, 1], 'metadata.version': [7, 25], 'transaction.version': [0, 1] });
      const finalized = Object.fromEntries(res.finalizedFeatures.map((f: any) => [f.name, [f.minVersionLevel, f.maxVersionLevel]]));
      assert.deepEqual(finalized, { 'group.version': [1, 1], 'metadata.version': [25, 25], 'transaction.version': [1, 1] });
      assert.ok(res.finalizedFeaturesEpoch >= 0n, 'a finalized epoch is given');
      // group.version 1 promises the consumer group protocol: its API is served.
      assert.ok(res.apiKeys.some((k: any) => k.apiKey === ApiKey.ConsumerGroupHeartbeat));
    });
  }

  it('v2 answers without features', async () => {
    const res = await client.request(ApiKey.ApiVersions, 2, {});
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.deepEqual(res.supportedFeatures, []);
    assert.deepEqual(res.finalizedFeatures, []);
  });

  it('kcat lists the broker after reading the tagged fields', async () => {
    const res = await kcat(['-L', '-b', broker.address, '-X', 'api.version.request=true']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /1 brokers:/);
  });
});
