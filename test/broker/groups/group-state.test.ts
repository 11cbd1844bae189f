// The group state machine on its own: every (from, to) pair is either one of
// Kafka's transitions (accepted, previous state and timestamp recorded) or
// refused without changing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_GROUP_STATES, GroupState, GroupStateMachine, IllegalGroupStateTransition, canTransition } from '../../../src/broker/groups/group-state.js';

const VALID: [GroupState, GroupState][] = [
  ['Empty', 'PreparingRebalance'],
  ['PreparingRebalance', 'CompletingRebalance'],
  ['PreparingRebalance', 'Empty'],
  ['CompletingRebalance', 'Stable'],
  ['CompletingRebalance', 'PreparingRebalance'],
  ['Stable', 'PreparingRebalance'],
  ['Empty', 'Dead'],
  ['PreparingRebalance', 'Dead'],
  ['CompletingRebalance', 'Dead'],
  ['Stable', 'Dead'],
  ['Dead', 'Dead'],
];

/** A machine driven into `state` through valid transitions only. */
function machineIn(state: GroupState): GroupStateMachine {
  const m = new GroupStateMachine('g', 0);
  const path: Record<GroupState, GroupState[]> = {
    Empty: [],
    PreparingRebalance: ['PreparingRebalance'],
    CompletingRebalance: ['PreparingRebalance', 'CompletingRebalance'],
    Stable: ['PreparingRebalance', 'CompletingRebalance', 'Stable'],
    Dead: ['Dead'],
  };
  for (const s of path[state]) m.transitionTo(s, 1);
  return m;
}

test('a new group starts Empty', () => {
  const m = new GroupStateMachine('g', 42);
  assert.equal(m.state, GroupState.Empty);
  assert.equal(m.stateTimestamp, 42);
  assert.equal(m.canRebalance, true);
});

for (const from of ALL_GROUP_STATES) {
  for (const to of ALL_GROUP_STATES) {
    const valid = VALID.some(([f, t]) => f === from && t === to);
    test(`${from} → ${to} is ${valid ? 'allowed' : 'refused'}`, () => {
      assert.equal(canTransition(from, to), valid);
      const m = machineIn(from);
      if (valid) {
        m.transitionTo(to, 1000);
        assert.equal(m.state, to);
        assert.equal(m.previousState, from);
        assert.equal(m.stateTimestamp, 1000);
      } else {
        assert.throws(() => m.transitionTo(to, 1000), (err: unknown) => err instanceof IllegalGroupStateTransition && err.from === from && err.to === to);
        assert.equal(m.state, from, 'a refused transition changes nothing');
      }
    });
  }
}

test('only Empty, Stable and CompletingRebalance can start a rebalance', () => {
  const can = ALL_GROUP_STATES.filter((s) => machineIn(s).canRebalance);
  assert.deepEqual(can.sort(), ['CompletingRebalance', 'Empty', 'Stable']);
});
