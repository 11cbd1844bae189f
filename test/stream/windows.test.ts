import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowAggregator, hopping, tumbling, windowsFor, type ClosedWindow } from '../../src/stream/windows.js';

const MIN = 60_000;
const SEC = 1000;

function counter(spec: ReturnType<typeof tumbling>) {
  const closed: ClosedWindow<string, number>[] = [];
  const agg = new WindowAggregator<string, number, number>(spec, {
    initial: () => 0,
    add: (a, v) => a + v,
    onWindowClose: (c) => closed.push(c),
  });
  return { agg, closed };
}

test('windowsFor: tumbling windows hold one window, hopping size/advance windows', () => {
  assert.deepEqual(windowsFor(61 * SEC, tumbling(MIN)), [{ start: MIN, end: 2 * MIN }]);
  assert.deepEqual(windowsFor(MIN, tumbling(MIN)), [{ start: MIN, end: 2 * MIN }]);
  assert.deepEqual(windowsFor(25 * SEC, hopping(30 * SEC, 10 * SEC)), [
    { start: 0, end: 30 * SEC },
    { start: 10 * SEC, end: 40 * SEC },
    { start: 20 * SEC, end: 50 * SEC },
  ]);
  assert.throws(() => hopping(10, 20), /advance/);
  assert.throws(() => tumbling(0), /size/);
});

test('1-minute tumbling windows with 10 s grace emit exactly the expected finals', () => {
  const { agg, closed } = counter(tumbling(MIN, 10 * SEC));
  // A scripted event-time sequence (ms): two keys, in and out of order.
  const script: [string, number][] = [
    ['a', 5 * SEC],
    ['b', 20 * SEC],
    ['a', 59 * SEC],
    ['a', 61 * SEC], // window [60,120) opens; [0,60) still open (grace until 70 s)
    ['b', 50 * SEC], // late by 11 s, within grace: counted in [0,60)
    ['a', 69 * SEC], // stream time 69 s: [0,60) still open
    ['b', 30 * SEC], // late, [0,60) still open until stream time reaches 70 s
    ['a', 70 * SEC], // stream time 70 s: [0,60) closes
    ['b', 40 * SEC], // after grace: dropped
    ['b', 125 * SEC], // window [120,180) opens
    ['a', 130 * SEC], // stream time 130 s: [60,120) closes at 130 s
  ];
  for (const [key, t] of script) agg.add(key, 1, t);
  assert.deepEqual(
    closed.map((c) => [c.start / SEC, c.key, c.value]),
    [
      [0, 'a', 2],
      [0, 'b', 3],
      [60, 'a', 3],
    ],
  );
  assert.equal(agg.droppedLate, 1);
  assert.equal(agg.acceptedLate, 2);
  assert.equal(agg.openWindows, 1);
  // Nothing is emitted twice: advancing far closes only the last window.
  agg.advanceTo(10 * MIN);
  assert.deepEqual(closed.slice(3).map((c) => [c.start / SEC, c.key, c.value]), [
    [120, 'b', 1],
    [120, 'a', 1],
  ]);
  assert.equal(agg.openWindows, 0);
});

test('hopping windows count an event in every window it falls into', () => {
  const { agg, closed } = counter(hopping(30 * SEC, 10 * SEC));
  agg.add('k', 1, 25 * SEC);
  agg.add('k', 1, 35 * SEC);
  agg.advanceTo(100 * SEC);
  assert.deepEqual(
    closed.map((c) => [c.start / SEC, c.value]),
    [
      [0, 1],
      [10, 2],
      [20, 2],
      [30, 1],
    ],
  );
});

test('memory holds only the open windows', () => {
  const { agg } = counter(tumbling(SEC));
  for (let t = 0; t < 100_000; t += 100) agg.add(`k${t % 7}`, 1, t);
  assert.equal(agg.openWindows, 1);
});
