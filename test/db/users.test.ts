// Users: create, list, get, and the typed conflict on a taken email.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql, type Migration } from 'kysely';
import { ConflictError, createUser, getUser, listUsers, migrations, type Database } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrations/index.js';
import { describeBackends } from './backends.js';

describeBackends('users', (backend) => {
  let database: Database;
  before(async () => {
    database = await backend.fresh();
  });

  test('createUser returns the stored user with a uuid and a creation time', async () => {
    const before = Date.now();
    const user = await createUser(database.db, { name: 'Grace', email: 'grace@example.com' });
    assert.match(user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(user.name, 'Grace');
    assert.equal(user.email, 'grace@example.com');
    assert.ok(user.createdAt instanceof Date);
    assert.ok(Math.abs(user.createdAt.getTime() - before) < 60_000, 'created_at is about now');
    assert.deepEqual(await getUser(database.db, user.id), user);
  });

  test('listUsers lists every user, oldest first', async () => {
    const linus = await createUser(database.db, { name: 'Linus', email: 'linus@example.com' });
    const users = await listUsers(database.db);
    assert.deepEqual(users.map((u) => u.email), ['grace@example.com', 'linus@example.com']);
    assert.deepEqual(users[1], linus);
  });

  test('a taken email is a ConflictError naming email, and nothing is stored', async () => {
    await assert.rejects(
      createUser(database.db, { name: 'Other Grace', email: 'grace@example.com' }),
      (err: unknown) => {
        assert.ok(err instanceof ConflictError);
        assert.equal(err.field, 'email');
        assert.match(err.message, /grace@example\.com/);
        return true;
      },
    );
    assert.equal((await listUsers(database.db)).length, 2);
  });

  test('an email taken in another case is a ConflictError naming email, and nothing is stored', async () => {
    await createUser(database.db, { name: 'Lower', email: 'a@x.io' });
    const count = (await listUsers(database.db)).length;
    for (const email of ['A@x.io', 'a@X.IO', 'A@X.IO']) {
      await assert.rejects(createUser(database.db, { name: 'Upper', email }), (err: unknown) => {
        assert.ok(err instanceof ConflictError, String(err));
        assert.equal(err.field, 'email');
        assert.ok(err.message.includes(email), err.message);
        return true;
      });
    }
    assert.equal((await listUsers(database.db)).length, count);
    assert.equal((await listUsers(database.db)).find((u) => u.name === 'Lower')?.email, 'a@x.io', 'stored as given');
  });

  test('getUser: unknown uuid and non-uuid ids are undefined', async () => {
    assert.equal(await getUser(database.db, '00000000-0000-4000-8000-000000000000'), undefined);
    for (const id of ['', 'abc', '1', "x' or 1=1 --", '00000000-0000-4000-8000-00000000000g']) {
      assert.equal(await getUser(database.db, id), undefined, `id ${JSON.stringify(id)}`);
    }
  });

  test('the database still works after the conflict (no aborted transaction left)', async () => {
    const user = await createUser(database.db, { name: 'Barbara', email: 'barbara@example.com' });
    assert.equal((await getUser(database.db, user.id))?.name, 'Barbara');
  });
});

describeBackends('users: migration 003 (emails unique in any case)', (backend) => {
  const provider = { getMigrations: async (): Promise<Record<string, Migration>> => migrations };

  test('users that differ only in case are all kept: the oldest holds the address, the others are marked', async () => {
    const database = await backend.fresh();
    const { db, schema } = database;
    // Back to before 003, where only the exact address was unique.
    const back = await new Migrator({ db, provider, migrationTableSchema: schema }).migrateTo('002_basket_aggregates');
    assert.equal(back.error, undefined, String(back.error));
    const insert = (email: string, createdAt: string) =>
      sql<{ id: string }>`insert into users (name, email, created_at) values (${email}, ${email}, ${createdAt}::timestamptz) returning id`.execute(db).then((r) => r.rows[0]!.id);
    const later = await insert('Ann@x.io', '2024-01-02T00:00:00Z');
    const oldest = await insert('ann@x.io', '2024-01-01T00:00:00Z');
    const latest = await insert('ANN@X.IO', '2024-01-03T00:00:00Z');
    const alone = await insert('bob@x.io', '2024-01-01T00:00:00Z');

    await migrateToLatest(db, schema);
    const rows = await sql<{ id: string; email: string; email_duplicate_of: string | null }>`select id, email, email_duplicate_of from users`.execute(db);
    const dupOf = new Map(rows.rows.map((r) => [r.id, r.email_duplicate_of]));
    assert.equal(rows.rows.length, 4, 'no user removed');
    assert.deepEqual(rows.rows.map((r) => r.email).sort(), ['ANN@X.IO', 'Ann@x.io', 'ann@x.io', 'bob@x.io'], 'no address changed');
    assert.equal(dupOf.get(oldest), null);
    assert.equal(dupOf.get(later), oldest);
    assert.equal(dupOf.get(latest), oldest);
    assert.equal(dupOf.get(alone), null);

    // From now on each address, in any case, is taken.
    for (const email of ['aNN@x.io', 'BOB@x.io']) {
      await assert.rejects(createUser(db, { name: 'New', email }), (err: unknown) => err instanceof ConflictError && err.field === 'email');
    }
    assert.equal((await createUser(db, { name: 'Cy', email: 'cy@x.io' })).email, 'cy@x.io');
  });
});
