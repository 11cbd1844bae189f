// The migrations, listed in code (no folder scan, so they run the same from src/ with
// tsx and from dist/), and the function that brings a database up to date.
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
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
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(), migrationTableSchema: schema });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
  return results;
}
