// "Accepted means storable": what every consumer of a value can take. PostgreSQL
// text and jsonb refuse U+0000 and a UTF-16 surrogate without its pair (and a
// UTF-8 encoder silently turns the latter into U+FFFD, so it would not come back
// unchanged either); JSON has no Infinity or NaN. One walker finds them in any
// JSON-like value, keys included; it backs a zod refinement for the schemas of
// topics (a record from any producer is checked the same way) and one
// preValidation hook that checks every route's body, path parameters and query
// string before its schema does, so no route can forget it.
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { HttpError, type FieldIssue } from './http-error.js';

export interface StorableIssue {
  path: (string | number)[];
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The longest id a route takes (a basket id, a userId, a path parameter): it
 * stays far below PostgreSQL's btree key limit (~2.7 kB) even at 4 bytes a character.
 */
export const MAX_ID_LENGTH = 200;

/** Why a string cannot be stored, or undefined when it can. */
export function unstorableText(s: string): string | undefined {
  const nul = s.indexOf('\u0000');
  if (nul >= 0) return `must not contain U+0000 (NUL), found at index ${nul}`;
  const lone = LONE_SURROGATE.exec(s);
  if (lone) return `must not contain a lone UTF-16 surrogate, found U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at index ${lone.index}`;
  return undefined;
}

/**
 * Every string (value or key) and number in `value` that a database or a JSON
 * consumer cannot take, up to `limit` of them. Iterative, so a deeply nested
 * body cannot exhaust the stack.
 */
export function findUnstorable(value: unknown, limit = 20): StorableIssue[] {
  const issues: StorableIssue[] = [];
  // Entries link to their parent, so a path is only built for an issue; a bad
  // key is an issue by itself (`bad`); entries are taken in document order.
  interface Entry {
    value: unknown;
    key?: string | number;
    parent?: Entry;
    bad?: string;
  }
  const pathOf = (e: Entry) => {
    const path: (string | number)[] = [];
    for (let at: Entry | undefined = e; at?.key !== undefined; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Entry[] = [{ value }];
  while (stack.length > 0 && issues.length < limit) {
    const e = stack.pop()!;
    const v = e.value;
    let why = e.bad;
    if (typeof v === 'string') why = unstorableText(v);
    else if (typeof v === 'number' && !Number.isFinite(v)) why = 'must be a finite number';
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: e });
    else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        const bad = unstorableText(k);
        stack.push(bad ? { value: undefined, key: printable(k), parent: e, bad: `the key ${bad}` } : { value: child, key: k, parent: e });
      }
    }
    if (why) issues.push({ path: pathOf(e), message: why });
  }
  return issues;
}

/** A key shown in a field name with the characters that made it unstorable escaped. */
function printable(key: string): string {
  return key.replace(/[\u0000\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The schema, refined so that a value holding anything unstorable fails it with the path of each. */
export function storable<S extends z.ZodType>(schema: S): S {
  return schema.superRefine((value, ctx) => {
    for (const issue of findUnstorable(value)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
  }) as S;
}

/** The parts of a request a route can store, by the names the error format uses. */
const PARTS = [
  ['body', (r: FastifyRequest) => r.body],
  ['params', (r: FastifyRequest) => r.params],
  ['querystring', (r: FastifyRequest) => r.query],
] as const;

/** The preValidation hook: 422 naming every unstorable field of the body, params or query string. */
export async function rejectUnstorable(request: FastifyRequest): Promise<void> {
  const issues: FieldIssue[] = [];
  for (const [part, read] of PARTS) {
    for (const i of findUnstorable(read(request))) issues.push({ field: [part, ...i.path].join('.'), message: i.message });
  }
  if (issues.length > 0) throw HttpError.fields(422, issues);
}
