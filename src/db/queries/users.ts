// Users (system 3, activity): create, list, get.
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, isUniqueViolation } from '../errors.js';
import type { Schema, UsersTable } from '../schema.js';

export interface User {
  id: string;
  name: string;
  email: string;
  createdAt: Date;
}

export interface NewUser {
  name: string;
  email: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Inserts a user; a taken email, in any case, throws `ConflictError` with `field === 'email'`. */
export async function createUser(db: Kysely<Schema>, input: NewUser): Promise<User> {
  try {
    const row = await db
      .insertInto('users')
      .values({ name: input.name, email: input.email })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_lower_key')) {
      throw new ConflictError('email', `a user with email ${input.email} already exists`, { cause: err });
    }
    throw err;
  }
}

/** All users, oldest first. */
export async function listUsers(db: Kysely<Schema>): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toUser);
}

/** The user with this id; undefined when there is none or `id` is not a uuid. */
export async function getUser(db: Kysely<Schema>, id: string): Promise<User | undefined> {
  if (!UUID.test(id)) return undefined;
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

function toUser(row: Selectable<UsersTable>): User {
  return { id: row.id, name: row.name, email: row.email, createdAt: row.created_at };
}
