import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateMeter } from '../../../src/broker/metrics/rate-meter.js';

test('the rate is the average of the last whole seconds of the window', () => {
  let now = 1_000_000;
  const meter = new RateMeter(10, () => now);
  for (let s = 0; s < 10; s++) {
    meter.record(100);
    meter.record(50);
    now += 1000;
  }
  assert.equal(meter.perSecond(), 150);
  // The current second does not count until it is over.
  meter.record(10_000);
  assert.equal(meter.perSecond(), 150);
  now += 1000;
  assert.equal(meter.perSecond(), (9 * 150 + 10_000) / 10);
});

test('old seconds leave the window and reused buckets start from zero', () => {
  let now = 5_000;
  const meter = new RateMeter(5, () => now);
  meter.record(500);
  now += 7000;
  assert.equal(meter.perSecond(), 0);
  meter.record(5);
  now += 1000;
  assert.equal(meter.perSecond(), 1);
});
