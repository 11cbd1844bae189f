// The transaction state machine on its own: every transition of txn-state.ts
// and the error each wrong request gets, without I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import {
  TXN_STATES,
  TxnMetadata,
  TxnState,
  VALID_PREVIOUS,
  fencedForVersion,
  isEpochExhausted,
  type Transit,
  type TxnStateName,
} from '../../../src/broker/txn/txn-state.js';

const T0 = 1_700_000_000_000;
const P = ['t:0', 't:1'];
let nextPid = 100;
const alloc = () => nextPid++;

function next(t: Transit) {
  assert.equal(t.kind, 'next', `expected a transition, got ${JSON.stringify(t)}`);
  return (t as Extract<Transit, { kind: 'next' }>).next;
}
function errorOf(t: Transit): number {
  assert.equal(t.kind, 'error', `expected an error, got ${JSON.stringify(t)}`);
  return (t as Extract<Transit, { kind: 'error' }>).errorCode;
}
function step(m: TxnMetadata, t: Transit): TxnMetadata {
  m.apply(next(t));
  return m;
}

/** A metadata in `state` with producer 7, epoch 3. */
function inState(state: TxnStateName): TxnMetadata {
  const m = new TxnMetadata('tx', {
    producerId: 7,
    lastProducerId: -1,
    producerEpoch: 3,
    lastProducerEpoch: 2,
    timeoutMs: 60_000,
    state,
    partitions: state === 'Ongoing' || state.startsWith('Prepare') ? [...P] : [],
    groups: [],
    startTimeMs: state === 'Empty' ? -1 : T0,
    lastUpdateMs: T0,
  });
  return m;
}

test('a new id: InitProducerId makes epoch 0, AddPartitions starts a transaction, EndTxn commits through Prepare to Complete', () => {
  const m = TxnMetadata.create('tx', 42, 60_000, T0);
  assert.equal(m.state, 'Empty');
  assert.equal(m.producerEpoch, -1);
  step(m, m.prepareInitProducerId(30_000, null, T0, alloc));
  assert.deepEqual([m.state, m.producerId, m.producerEpoch, m.timeoutMs], ['Empty', 42, 0, 30_000]);
  step(m, m.prepareAdd(42, 0, ['a:0'], [], T0 + 1));
  assert.deepEqual([m.state, [...m.partitions], m.startTimeMs], ['Ongoing', ['a:0'], T0 + 1]);
  step(m, m.prepareAdd(42, 0, ['a:1'], ['group'], T0 + 2));
  assert.deepEqual([[...m.partitions], [...m.groups], m.startTimeMs], [['a:0', 'a:1'], ['group'], T0 + 1]);
  assert.deepEqual(m.prepareAdd(42, 0, ['a:1'], ['group'], T0 + 3), { kind: 'noop' }, 'already in the transaction');
  step(m, m.prepareEnd(42, 0, true, true, T0 + 4));
  assert.equal(m.state, 'PrepareCommit');
  step(m, m.prepareComplete(T0 + 5));
  assert.deepEqual([m.state, m.partitions.size, m.groups.size], ['CompleteCommit', 0, 0]);
  // The next transaction starts from CompleteCommit.
  step(m, m.prepareAdd(42, 0, ['a:0'], [], T0 + 6));
  assert.deepEqual([m.state, m.startTimeMs], ['Ongoing', T0 + 6]);
  step(m, m.prepareEnd(42, 0, false, true, T0 + 7));
  assert.equal(m.state, 'PrepareAbort');
  step(m, m.prepareComplete(T0 + 8));
  assert.equal(m.state, 'CompleteAbort');
});

test('the transition table: apply() refuses every transition Kafka does not allow', () => {
  for (const to of TXN_STATES) {
    for (const from of TXN_STATES) {
      const m = inState(from);
      const record = { ...m.toRecord(), state: to };
      if (VALID_PREVIOUS[to].includes(from)) assert.doesNotThrow(() => m.apply(record), `${from} -> ${to}`);
      else assert.throws(() => m.apply(record), /illegal transaction state transition/, `${from} -> ${to}`);
    }
  }
});

test('InitProducerId from Empty/CompleteCommit/CompleteAbort bumps the epoch and resets to Empty', () => {
  for (const state of ['Empty', 'CompleteCommit', 'CompleteAbort'] as const) {
    const m = step(inState(state), inState(state).prepareInitProducerId(10_000, null, T0 + 1, alloc));
    assert.deepEqual([m.state, m.producerId, m.producerEpoch, m.lastProducerEpoch, m.timeoutMs, m.partitions.size], ['Empty', 7, 4, -1, 10_000, 0]);
  }
});

test('InitProducerId with the current id/epoch (KIP-360) bumps; a retry with the previous epoch gets the same epoch; others are fenced', () => {
  const m = inState('CompleteAbort');
  step(m, m.prepareInitProducerId(10_000, { producerId: 7, epoch: 3 }, T0, alloc));
  assert.deepEqual([m.producerEpoch, m.lastProducerEpoch], [4, 3]);
  step(m, m.prepareInitProducerId(10_000, { producerId: 7, epoch: 3 }, T0, alloc));
  assert.deepEqual([m.producerEpoch, m.lastProducerEpoch], [4, 3], 'a retry does not bump twice');
  assert.equal(errorOf(m.prepareInitProducerId(10_000, { producerId: 7, epoch: 1 }, T0, alloc)), ErrorCode.PRODUCER_FENCED);
  assert.equal(errorOf(m.prepareInitProducerId(10_000, { producerId: 99, epoch: 4 }, T0, alloc)), ErrorCode.PRODUCER_FENCED);
  // A brand-new id accepts whatever the client sends (e.g. @platformatic/kafka's 0/0).
  const fresh = TxnMetadata.create('new', 50, 1000, T0);
  step(fresh, fresh.prepareInitProducerId(1000, { producerId: 0, epoch: 0 }, T0, alloc));
  assert.deepEqual([fresh.producerId, fresh.producerEpoch], [50, 0]);
});

test('InitProducerId rotates to a new producer id once the epoch is exhausted', () => {
  const m = inState('Empty');
  m.producerEpoch = 32766;
  assert.ok(isEpochExhausted(m.producerEpoch));
  step(m, m.prepareInitProducerId(10_000, null, T0, () => 5000));
  assert.deepEqual([m.producerId, m.producerEpoch, m.lastProducerId], [5000, 0, 7]);
  // The old producer id with an exhausted epoch is still recognised (a retry of the rotation).
  const r = new TxnMetadata('tx', { ...m.toRecord(), lastProducerEpoch: 32766 });
  assert.notEqual(r.prepareInitProducerId(10_000, { producerId: 7, epoch: 32766 }, T0, alloc).kind, 'error');
});

test('InitProducerId: Ongoing must be fenced first; Prepare*, PrepareEpochFence, Dead and a pending write answer CONCURRENT_TRANSACTIONS', () => {
  assert.deepEqual(inState('Ongoing').prepareInitProducerId(10_000, null, T0, alloc), { kind: 'fence-first' });
  for (const state of ['PrepareCommit', 'PrepareAbort', 'PrepareEpochFence', 'Dead'] as const) {
    assert.equal(errorOf(inState(state).prepareInitProducerId(10_000, null, T0, alloc)), ErrorCode.CONCURRENT_TRANSACTIONS, state);
  }
  const busy = inState('Empty');
  busy.pending = 'Empty';
  assert.equal(errorOf(busy.prepareInitProducerId(10_000, null, T0, alloc)), ErrorCode.CONCURRENT_TRANSACTIONS);
});

test('AddPartitions/AddOffsets: wrong producer id → INVALID_PRODUCER_ID_MAPPING, wrong epoch → PRODUCER_FENCED, busy → CONCURRENT_TRANSACTIONS', () => {
  const m = inState('Ongoing');
  assert.equal(errorOf(m.prepareAdd(8, 3, ['x:0'], [], T0)), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  assert.equal(errorOf(m.prepareAdd(7, 2, ['x:0'], [], T0)), ErrorCode.PRODUCER_FENCED);
  assert.equal(errorOf(m.prepareAdd(7, 4, ['x:0'], [], T0)), ErrorCode.PRODUCER_FENCED);
  for (const state of ['PrepareCommit', 'PrepareAbort', 'PrepareEpochFence'] as const) {
    assert.equal(errorOf(inState(state).prepareAdd(7, 3, ['x:0'], [], T0)), ErrorCode.CONCURRENT_TRANSACTIONS, state);
  }
  assert.equal(errorOf(inState('Dead').prepareAdd(7, 3, ['x:0'], [], T0)), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  m.pending = 'PrepareCommit';
  assert.equal(errorOf(m.prepareAdd(7, 3, ['x:0'], [], T0)), ErrorCode.CONCURRENT_TRANSACTIONS);
});

test('EndTxn answers for every state', () => {
  const cases: [TxnStateName, boolean, number | 'next' | 'noop'][] = [
    ['Empty', true, ErrorCode.INVALID_TXN_STATE],
    ['Empty', false, ErrorCode.INVALID_TXN_STATE],
    ['Ongoing', true, 'next'],
    ['Ongoing', false, 'next'],
    ['PrepareCommit', true, ErrorCode.CONCURRENT_TRANSACTIONS],
    ['PrepareCommit', false, ErrorCode.INVALID_TXN_STATE],
    ['PrepareAbort', true, ErrorCode.INVALID_TXN_STATE],
    ['PrepareAbort', false, ErrorCode.CONCURRENT_TRANSACTIONS],
    ['CompleteCommit', true, 'noop'],
    ['CompleteCommit', false, ErrorCode.INVALID_TXN_STATE],
    ['CompleteAbort', true, ErrorCode.INVALID_TXN_STATE],
    ['CompleteAbort', false, 'noop'],
    ['PrepareEpochFence', false, ErrorCode.INVALID_TXN_STATE], // from a client
    ['Dead', true, ErrorCode.INVALID_PRODUCER_ID_MAPPING],
  ];
  for (const [state, commit, want] of cases) {
    const t = inState(state).prepareEnd(7, 3, commit, true, T0);
    if (typeof want === 'number') assert.equal(errorOf(t), want, `${state} ${commit ? 'commit' : 'abort'}`);
    else assert.equal(t.kind, want, `${state} ${commit ? 'commit' : 'abort'}`);
  }
  const m = inState('Ongoing');
  assert.equal(errorOf(m.prepareEnd(8, 3, true, true, T0)), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  assert.equal(errorOf(m.prepareEnd(7, 2, true, true, T0)), ErrorCode.PRODUCER_FENCED);
  assert.equal(errorOf(m.prepareEnd(7, 4, true, true, T0)), ErrorCode.PRODUCER_FENCED, 'clients need the exact epoch');
  m.pending = 'PrepareAbort';
  assert.equal(errorOf(m.prepareEnd(7, 3, true, true, T0)), ErrorCode.CONCURRENT_TRANSACTIONS);
});

test('fencing: Ongoing → PrepareEpochFence bumps the epoch, the coordinator aborts with it, the old epoch is fenced', () => {
  const m = inState('Ongoing');
  step(m, m.prepareFence(T0));
  assert.deepEqual([m.state, m.producerEpoch], ['PrepareEpochFence', 4]);
  assert.equal(errorOf(m.prepareEnd(7, 3, true, true, T0)), ErrorCode.PRODUCER_FENCED, 'the zombie cannot commit');
  assert.equal(errorOf(m.prepareAdd(7, 3, ['x:0'], [], T0)), ErrorCode.PRODUCER_FENCED);
  assert.equal(errorOf(m.prepareEnd(7, 4, true, false, T0)), ErrorCode.INVALID_TXN_STATE, 'a fenced transaction only aborts');
  step(m, m.prepareEnd(7, 4, false, false, T0));
  assert.deepEqual([m.state, [...m.partitions]], ['PrepareAbort', P]);
  step(m, m.prepareComplete(T0));
  assert.equal(m.state, 'CompleteAbort');
  for (const state of ['Empty', 'PrepareCommit', 'CompleteAbort', 'Dead'] as const) {
    assert.equal(errorOf(inState(state).prepareFence(T0)), ErrorCode.INVALID_TXN_STATE, state);
  }
  const top = inState('Ongoing');
  top.producerEpoch = 32767;
  assert.equal(next(top.prepareFence(T0)).producerEpoch, 32767, 'no overflow at the last epoch');
});

test('Complete only follows Prepare*; Dead only follows Empty/Complete*', () => {
  for (const state of ['Empty', 'Ongoing', 'CompleteCommit', 'CompleteAbort', 'PrepareEpochFence', 'Dead'] as const) {
    assert.equal(errorOf(inState(state).prepareComplete(T0)), ErrorCode.INVALID_TXN_STATE, state);
  }
  for (const state of ['Empty', 'CompleteCommit', 'CompleteAbort'] as const) {
    assert.equal(step(inState(state), inState(state).prepareDead(T0)).state, 'Dead');
  }
  for (const state of ['Ongoing', 'PrepareCommit', 'PrepareAbort', 'PrepareEpochFence'] as const) {
    assert.equal(errorOf(inState(state).prepareDead(T0)), ErrorCode.INVALID_TXN_STATE, state);
  }
});

test('records round-trip, and PRODUCER_FENCED maps to INVALID_PRODUCER_EPOCH for old API versions', () => {
  const m = inState('Ongoing');
  m.groups.add('g');
  assert.deepEqual(TxnMetadata.fromRecord(m.toRecord()).toRecord(), m.toRecord());
  assert.equal(fencedForVersion(ErrorCode.PRODUCER_FENCED, 1, 2), ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.equal(fencedForVersion(ErrorCode.PRODUCER_FENCED, 2, 2), ErrorCode.PRODUCER_FENCED);
  assert.equal(fencedForVersion(ErrorCode.CONCURRENT_TRANSACTIONS, 0, 2), ErrorCode.CONCURRENT_TRANSACTIONS);
  assert.equal(TxnState.PrepareEpochFence, 'PrepareEpochFence');
});
