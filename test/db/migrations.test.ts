// Migrations run at open, once: opening the same storage again applies nothing and
// keeps the data (PGlite dir reopened, PostgreSQL schema reopened).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createUser, getBasket, listUsers, migrations, upsertBasket, type Database, type DbLog } from '../../src/db/index.js';
import { describeBackends } from './backends.js';

/** A log that records the migrations each open applied. */
function recorder(): { log: DbLog; applied: string[] } {
  const applied: string[] = [];
  const log: DbLog = (_level, msg, extra) => {
    if (msg === 'database ready') applied.push(...((extra?.migrationsApplied as string[] | undefined) ?? []));
  };
  return { log, applied };
}

describeBackends('migrations', (backend) => {
  let first: Database;
  const firstLog = recorder();

  before(async () => {
    const started = performance.now();
    first = await backend.fresh({ persistent: true, log: firstLog.log });
    console.log(`# ${backend.name}: open a new database + migrate: ${Math.round(performance.now() - started)} ms`);
  });

  test('the first open applies every migration (a new PGlite folder gets them from the build\'s template)', async () => {
    const recorded = await sql<{ name: string }>`select name from ${sql.table(`${first.schema}.kysely_migration`)} order by name`.execute(first.db);
    assert.deepEqual(recorded.rows.map((r) => r.name), Object.keys(migrations));
    if (backend.name === 'postgres' || firstLog.applied.length > 0) assert.deepEqual(firstLog.applied, Object.keys(migrations));
    assert.equal(first.kind, backend.name);
    await first.ping();
    const tables = await first.db.introspection.getTables();
    const mine = tables.filter((t) => t.schema === first.schema).map((t) => t.name).sort();
    assert.deepEqual(mine, ['basket_category_counts', 'basket_store_totals', 'baskets', 'users']);
  });

  test('opening again applies nothing and keeps the data', async () => {
    const user = await createUser(first.db, { name: 'Ada', email: 'ada@example.com' });
    await upsertBasket(first.db, {
      id: 'b-1',
      store: 'Brussels',
      date: '2024-01-31',
      total_price: 3.5,
      products: [{ id: 'p1', name: 'an apple', price: 3.5, category: 'Fruit' }],
    });
    await first.close();
    await first.close(); // closing twice is fine

    const again = recorder();
    const started = performance.now();
    const reopened = await backend.reopen(first, { log: again.log });
    console.log(`# ${backend.name}: reopen + migrate (nothing to do): ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(again.applied, []);
    assert.deepEqual((await listUsers(reopened.db)).map((u) => u.id), [user.id]);
    assert.equal((await getBasket(reopened.db, 'b-1'))?.totalPrice, 3.5);
    const rows = await sql<{ name: string }>`select name from ${sql.table(`${reopened.schema}.kysely_migration`)} order by name`.execute(reopened.db);
    assert.deepEqual(rows.rows.map((r) => r.name), Object.keys(migrations));

    if (backend.name === 'pglite') {
      // PGlite has no lock of its own: a second holder of the dir is refused.
      await assert.rejects(backend.reopen(first), /is in use by process \d+/);
    }
  });

  if (backend.name === 'postgres') {
    test('concurrent opens of one new schema migrate it once', async () => {
      const location = await backend.location();
      const logs = [recorder(), recorder(), recorder()];
      const opened = await Promise.all(logs.map((r) => backend.open(location, { log: r.log })));
      assert.deepEqual(logs.flatMap((r) => r.applied), Object.keys(migrations));
      await Promise.all(opened.map((d) => d.ping()));
    });
  }
});
