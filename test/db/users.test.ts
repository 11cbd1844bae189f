// Users: create, list, get, and the typed conflict on a taken email.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, createUser, getUser, listUsers, type Database } from '../../src/db/index.js';
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
