// 003_users_email_case_insensitive: a user's email is unique whatever its case
// ("A@x.io" is taken once "a@x.io" is), by a unique index on lower(email) that
// replaces the case-sensitive unique constraint of 001. The address is stored as
// given; only the comparison ignores case.
//
// Users created before this migration may hold addresses that differ only in
// case. None is changed or removed (they may have signed in with them): the
// oldest of each such set (by created_at, then id) keeps the address, and each
// other one gets `email_duplicate_of` = that user's id and is left out of the
// index. Every new user has it null, so it conflicts with the holder of its
// address in any case.
import { sql, type Kysely, type Migration } from 'kysely';

export const usersEmailCaseInsensitive: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('email_duplicate_of', 'uuid', (c) => c.references('users.id'))
      .execute();
    await sql`
      update users u set email_duplicate_of = holder.id
      from (select distinct on (lower(email)) id, lower(email) as address from users order by lower(email), created_at, id) holder
      where lower(u.email) = holder.address and u.id <> holder.id`.execute(db);
    await sql`create unique index users_email_lower_key on users (lower(email)) where email_duplicate_of is null`.execute(db);
    await db.schema.alterTable('users').dropConstraint('users_email_key').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    // Exact duplicates cannot have arisen under the index, so the old constraint holds again.
    await db.schema.alterTable('users').addUniqueConstraint('users_email_key', ['email']).execute();
    await sql`drop index users_email_lower_key`.execute(db);
    await db.schema.alterTable('users').dropColumn('email_duplicate_of').execute();
  },
};
