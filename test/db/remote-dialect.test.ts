// PGlite served to another thread's Kysely over a MessagePort (how `npm start`
// shares the workers' PGlite with the API): queries, typed values, driver
// errors the query layer recognizes, and transactions that hold the owner's
// session so the owner's own writes cannot interleave.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { sql } from 'kysely';
import { ConflictError, createUser, getUser, openDatabase, upsertBasket, basketAnalytics, type Database } from '../../src/db/index.js';
import { openRemoteDatabase, serveDatabase } from '../../src/db/remote-dialect.js';

let owner: Database;
let remote: Database;
let stopServing: () => void;

before(async () => {
  owner = await openDatabase({ url: null, dataDir: ':memory:' });
  const channel = new MessageChannel();
  stopServing = serveDatabase(channel.port2, owner);
  remote = await openRemoteDatabase(channel.port1, { schema: owner.schema });
});
after(async () => {
  await remote?.close();
  stopServing?.();
  await owner?.close();
});

test('a user written remotely reads back with its types (uuid, Date)', async () => {
  const user = await createUser(remote.db, { name: 'Ada', email: 'ada@example.com' });
  assert.ok(user.createdAt instanceof Date);
  assert.deepEqual(await getUser(owner.db, user.id), user, 'the owner sees the remote write');
  assert.deepEqual(await getUser(remote.db, user.id), user);
});

test('a unique violation crosses the thread boundary as a ConflictError naming the field', async () => {
  await assert.rejects(createUser(remote.db, { name: 'Ada 2', email: 'ada@example.com' }), (err: unknown) => err instanceof ConflictError && err.field === 'email');
});

test('a remote transaction holds the session: an owner write waits until it commits', async () => {
  await upsertBasket(owner.db, { id: 'b1', store: 'Brussels', date: '2024-01-01', total_price: 10, products: [{ id: 'p', name: 'apple', price: 10, category: 'Fruit' }] });
  const order: string[] = [];
  let ownerWrite: Promise<unknown> | undefined;
  await remote.db.transaction().execute(async (trx) => {
    const first = await sql<{ n: string }>`select count(*) as n from baskets`.execute(trx);
    order.push(`remote saw ${first.rows[0]!.n}`);
    ownerWrite = upsertBasket(owner.db, { id: 'b2', store: 'Ghent', date: '2024-01-02', total_price: 20, products: [] }).then(() => order.push('owner wrote'));
    // Give the owner's write every chance to run (it must not: the session is held).
    await new Promise((r) => setImmediate(r));
    const second = await sql<{ n: string }>`select count(*) as n from baskets`.execute(trx);
    order.push(`remote saw ${second.rows[0]!.n}`);
  });
  await ownerWrite;
  assert.deepEqual(order, ['remote saw 1', 'remote saw 1', 'owner wrote']);
  const analytics = await basketAnalytics(remote.db);
  assert.equal(analytics.baskets, 2);
  assert.equal(analytics.averageTotal, 15);
});

test('a failed statement rolls back only its transaction', async () => {
  await assert.rejects(
    remote.db.transaction().execute(async (trx) => {
      await createUser(trx, { name: 'Tmp', email: 'tmp@example.com' });
      await sql`select no_such_column from users`.execute(trx);
    }),
    /no_such_column/,
  );
  const { rows } = await sql<{ n: string }>`select count(*) as n from users where email = 'tmp@example.com'`.execute(remote.db);
  assert.equal(Number(rows[0]!.n), 0);
});
