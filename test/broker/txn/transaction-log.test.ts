// Durable transaction state and producer ids: replay (last record wins, Dead
// removes), a torn tail cut on open, compaction, and ids never reissued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TransactionLog } from '../../../src/broker/txn/transaction-log.js';
import { ProducerIdManager, BLOCK_SIZE } from '../../../src/broker/txn/producer-ids.js';
import { TxnMetadata, type TxnRecord } from '../../../src/broker/txn/txn-state.js';
import { tempDir } from '../../helpers/broker.js';

function record(id: string, state: TxnRecord['state'], epoch = 0): TxnRecord {
  return { ...TxnMetadata.create(id, 1, 1000, 1).toRecord(), state, producerEpoch: epoch };
}

test('replay keeps the last record of each id, Dead removes it, a torn tail is cut', async () => {
  const dir = tempDir();
  try {
    let log = TransactionLog.open(dir, { sync: true });
    await log.append(record('a', 'Empty', 0));
    await log.append(record('b', 'Empty', 0));
    await log.append(record('a', 'Ongoing', 0));
    await log.append(record('b', 'Dead', 0));
    await log.close();
    fs.appendFileSync(path.join(dir, 'transactions.log'), '0badc0de {"transactionalId":"c","sta'); // crash mid-write
    const warnings: string[] = [];
    log = TransactionLog.open(dir, { sync: true, warn: (m) => warnings.push(m) });
    assert.deepEqual(log.records().map((r) => [r.transactionalId, r.state]), [['a', 'Ongoing']]);
    assert.equal(warnings.length, 1);
    await log.append(record('a', 'PrepareCommit', 0));
    await log.close();
    log = TransactionLog.open(dir, { sync: false });
    assert.deepEqual(log.records().map((r) => r.state), ['PrepareCommit']);
    await log.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the file is compacted once most records are superseded', async () => {
  const dir = tempDir();
  try {
    const log = TransactionLog.open(dir, { sync: false });
    for (let i = 0; i < 1500; i++) await log.append(record(`id${i % 3}`, i % 2 ? 'Ongoing' : 'Empty', i));
    await log.close();
    const lines = fs.readFileSync(path.join(dir, 'transactions.log'), 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.length < 600, `${lines.length} lines after compaction`);
    const reopened = TransactionLog.open(dir, { sync: false });
    assert.deepEqual(reopened.records().map((r) => [r.transactionalId, r.producerEpoch]).sort(), [['id0', 1497], ['id1', 1498], ['id2', 1499]]);
    await reopened.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('producer ids are unique across reopenings (one fsynced block at a time)', () => {
  const dir = tempDir();
  try {
    const a = ProducerIdManager.open(dir);
    const first = [a.nextId(), a.nextId(), a.nextId()];
    assert.deepEqual(first, [0, 1, 2]);
    const b = ProducerIdManager.open(dir); // as after a crash: the rest of the block is skipped
    assert.equal(b.nextId(), BLOCK_SIZE);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
