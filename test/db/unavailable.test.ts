// Errors of reaching the database are told apart from errors of the data: the
// baskets worker marks them, so a dead letter written after its retries says
// `database unavailable` (DatabaseUnavailableError) and not a data problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../src/db/index.js';
import { basketHandler, type BasketWriter } from '../../src/services/baskets/worker.js';
import { POSTGRES_URL } from './backends.js';

async function refusedConnection(): Promise<unknown> {
  const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  return client.connect().then(
    () => assert.fail('port 1 answered'),
    (err: unknown) => err,
  );
}

test('a refused connection is "database unavailable", a statement error is not', async (t) => {
  const refused = await refusedConnection();
  assert.equal(isDatabaseUnavailable(refused), true, String(refused));
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    t.skip('no PostgreSQL');
    return;
  }
  try {
    const bad = await client.query('select 1/0').catch((err: unknown) => err);
    assert.equal(isDatabaseUnavailable(bad), false);
  } finally {
    await client.end();
  }
});

test('the baskets handler marks a database that is away', async () => {
  const refused = await refusedConnection();
  const writer: BasketWriter = { stats: { batches: 0, items: 0 }, write: () => Promise.reject(refused) };
  const handle = basketHandler(() => writer);
  const event = { topic: 'delhaize_shop', partition: 0, offset: 0n, key: '1', timestamp: 1n, headers: {}, value: { id: 1, store: 'S', date: '2024-01-01', products: [] } };
  await assert.rejects(handle(event as never), (err: unknown) => err instanceof DatabaseUnavailableError && err.name === 'DatabaseUnavailableError' && /^database unavailable: /.test(err.message));
});
