// The migrations, listed in code (no folder scan, so they run the same from src/ with
// tsx and from dist/), and the function that brings a database up to date.
import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import { quoteIdent } from '../sql-utils.js';
import { initial } from './001_initial.js';
import { basketAggregates } from './002_basket_aggregates.js';
import { usersEmailCaseInsensitive } from './003_users_email_case_insensitive.js';

/** Every migration, by name; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_basket_aggregates': basketAggregates,
  '003_users_email_case_insensitive': usersEmailCaseInsensitive,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Runs the pending migrations in `schema` (the migration bookkeeping tables live there
 * too). Concurrent callers on PostgreSQL wait on Kysely's advisory lock.
 */
export async function migrateToLatest(db: Kysely<any>, schema: string): Promise<MigrationResult[]> {
  if (await allApplied(db, schema)) return [];
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(), migrationTableSchema: schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
  return results;
}

/**
 * Whether every migration is recorded in `schema` already: two small reads, where the
 * Migrator (its lock table, its lock, its checks) costs a restart a few hundred ms of
 * PGlite's CPU. Anything missing goes through the Migrator and its lock.
 */
async function allApplied(db: Kysely<any>, schema: string): Promise<boolean> {
  const table = `${schema}.${DEFAULT_MIGRATION_TABLE}`;
  const { rows } = await sql<{ present: boolean }>`select to_regclass(${`${quoteIdent(schema)}.${quoteIdent(DEFAULT_MIGRATION_TABLE)}`}) is not null as present`.execute(db);
  if (!rows[0]?.present) return false;
  const applied = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(db);
  const names = new Set(applied.rows.map((r) => r.name));
  return Object.keys(migrations).every((name) => names.has(name));
}

