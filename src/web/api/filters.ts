// The message filters of the browse view: an exact key, a substring of key,
// value or headers, and a JSON path (`customer.id`, `items[0].price`) that must
// exist or have a given value. Parsed once per request; a malformed path is a
// 400 naming `querystring.jsonPath`.
import { HttpError } from '../../http/errors.js';
import type { ConsoleMessage } from './types.js';

export interface FilterQuery {
  key?: string;
  text?: string;
  jsonPath?: string;
  jsonValue?: string;
}

export type MessageFilter = (m: ConsoleMessage) => boolean;

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
export function parseJsonPath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  const re = /\s*(?:\.?([^.[\]\s]+)|\[(\d+)\]|\["([^"]*)"\])/y;
  let at = path.startsWith('$') ? 1 : 0;
  while (at < path.length) {
    re.lastIndex = at;
    const m = re.exec(path);
    if (!m || m[0].length === 0) throw new HttpError(400, `jsonPath "${path}" is not a path like customer.id or items[0].price`, 'querystring.jsonPath');
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
    at = re.lastIndex;
  }
  if (steps.length === 0) throw new HttpError(400, 'jsonPath is empty', 'querystring.jsonPath');
  return steps;
}

/** The value at a path, or undefined when the path does not exist. */
export function valueAt(value: unknown, path: (string | number)[]): unknown {
  let v: unknown = value;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (typeof step === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[step];
    } else {
      if (!Object.prototype.hasOwnProperty.call(v, step)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
  }
  return v;
}

function asText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function messageFilter(q: FilterQuery): MessageFilter | undefined {
  const tests: MessageFilter[] = [];
  if (q.key !== undefined) tests.push((m) => m.key.value !== null && asText(m.key.value) === q.key);
  if (q.text !== undefined && q.text !== '') {
    const needle = q.text.toLowerCase();
    tests.push((m) => {
      const hay = [m.key.value === null ? '' : asText(m.key.value), m.value.value === null ? '' : asText(m.value.value), ...Object.entries(m.headers).flat()];
      return hay.some((h) => h.toLowerCase().includes(needle));
    });
  }
  if (q.jsonPath !== undefined && q.jsonPath !== '') {
    const path = parseJsonPath(q.jsonPath);
    const wanted = q.jsonValue;
    tests.push((m) => {
      if (m.value.format !== 'json' && m.value.format !== 'protobuf') return false;
      const v = valueAt(m.value.value, path);
      if (v === undefined) return false;
      return wanted === undefined || asText(v) === wanted;
    });
  } else if (q.jsonValue !== undefined) {
    throw new HttpError(400, 'jsonValue needs a jsonPath', 'querystring.jsonValue');
  }
  if (tests.length === 0) return undefined;
  return (m) => tests.every((t) => t(m));
}
