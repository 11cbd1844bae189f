// Transactions behave the same on both backends: commit, rollback, savepoints, and on
// PGlite (one session) concurrent transactions are serialized, never interleaved.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { countBaskets, createUser, listUsers, upsertBasket, type Database } from '../../src/db/index.js';
import { describeBackends } from './backends.js';

describeBackends('transactions', (backend) => {
  let database: Database;
  before(async () => {
    database = await backend.fresh();
  });

  test('a failed transaction leaves nothing behind', async () => {
    await assert.rejects(
      database.db.transaction().execute(async (trx) => {
        await createUser(trx, { name: 'Temp', email: 'temp@example.com' });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await listUsers(database.db), []);
  });

  test('a savepoint rolls back only its part', async () => {
    const trx = await database.db.startTransaction().execute();
    await createUser(trx, { name: 'Kept', email: 'kept@example.com' });
    const sp = await trx.savepoint('inner').execute();
    await createUser(sp, { name: 'Dropped', email: 'dropped@example.com' });
    await sp.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    assert.deepEqual((await listUsers(database.db)).map((u) => u.email), ['kept@example.com']);
  });

  test('concurrent transactions each commit whole', async () => {
    const n = 6;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        database.db.transaction().execute(async (trx) => {
          await upsertBasket(trx, { id: `t${i}`, store: 'S', date: '2024-01-01', total_price: i, products: [] });
          await new Promise((r) => setTimeout(r, 5));
          // Inside the transaction, this transaction's write is visible exactly once.
          const { rows } = await sql<{ n: string }>`select count(*) as n from baskets where id = ${`t${i}`}`.execute(trx);
          assert.equal(Number(rows[0]?.n), 1);
        }),
      ),
    );
    assert.equal(await countBaskets(database.db), n);
  });

  test('queries outside a transaction go on while none is open', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => database.ping()));
    assert.equal(results.length, 20);
  });
});
