// Typed errors of the db layer, and how driver errors (pg and PGlite both carry
// Postgres' SQLSTATE `code` and the `constraint` name) are recognized.

/** A write broke a unique constraint; `field` names the column a client can fix. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly field: string,
    message = `${field} already exists`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface PgErrorLike {
  code?: unknown;
  constraint?: unknown;
}

/** SQLSTATE 23505 (unique_violation), optionally on the named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as PgErrorLike;
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
