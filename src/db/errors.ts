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

/**
 * The database could not be reached or went away (not a problem with the data):
 * what a worker retries, and names in its dead letter when the retries run out.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * True for errors of reaching the server rather than of the statement: SQLSTATE
 * class 08 (connection exception), 57P01–57P03 (shutting down, cannot connect
 * now), 53300 (too many connections), socket errors, and pg's own messages for
 * a connection that ended or could not be had in time.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code) || UNREACHABLE.has(code))) return true;
  const message = (err as { message?: unknown }).message;
  if (typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)) return true;
  const errors = (err as { errors?: unknown }).errors; // AggregateError (IPv4 and IPv6 both refused)
  return Array.isArray(errors) && errors.some(isDatabaseUnavailable);
}
