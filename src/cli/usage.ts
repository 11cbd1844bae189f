// Command-line mistakes, the same for every command: one error type, one
// integer parser, and one exit code (2), which main.ts sets for a UsageError
// and for node:util parseArgs's own errors (unknown option, missing value).
// Failures of the work itself (the broker refused, a record was not
// acknowledged) exit 1.

export const USAGE_EXIT_CODE = 2;

export class UsageError extends Error {
  /** `usage`: the command's help text, printed after the message. */
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A UsageError, or parseArgs's error for an unknown option or a missing value. */
export function isUsageError(err: unknown): err is Error {
  if (err instanceof UsageError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * An option's value as an integer within [min, max] (the value as written:
 * digits with an optional minus sign). Undefined stays undefined, for options
 * with a default.
 */
export function parseInteger(flag: string, value: string, min?: number, max?: number): number;
export function parseInteger(flag: string, value: string | undefined, min?: number, max?: number): number | undefined;
export function parseInteger(flag: string, value: string | undefined, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer${rangeText(min, max)}, got "${value}"`);
  }
  return n;
}

function rangeText(min: number, max: number): string {
  const low = min > Number.MIN_SAFE_INTEGER;
  const high = max < Number.MAX_SAFE_INTEGER;
  if (low && high) return ` from ${min} to ${max}`;
  if (low) return ` from ${min}`;
  return high ? ` up to ${max}` : '';
}

/** A TCP port (0 asks the system for a free one). */
export function parsePort(name: string, value: string): number {
  return parseInteger(name, value, 0, 65535);
}

/** The one topic a command works on (consume, produce): its only positional argument. */
export function oneTopic(positionals: readonly string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing topic' : 'one topic at a time', usage);
  return positionals[0]!;
}
