// A fresh PostgreSQL database on the test server (TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test) for tests that run whole processes
// against it, dropped afterwards. Without a server the test is skipped, except
// under CI, where it fails.
import pg from 'pg';
import type { TestContext } from 'node:test';
import { POSTGRES_URL } from '../db/backends.js';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new database, or undefined after skipping `t` when no server answers. */
export async function createTestDatabase(t: TestContext, prefix = 'tributary_test'): Promise<TestDatabase | undefined> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (err) {
    const reason = `no PostgreSQL at ${POSTGRES_URL}: ${(err as Error).message}`;
    if (process.env.CI) throw new Error(`${reason} (CI must reach it)`);
    t.skip(reason);
    return undefined;
  }
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await admin.query(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end();
    },
  };
}
