// Does a command's output have the shape the README shows? Ids, timestamps, ports
// and figures differ from run to run, so values are not compared, their form is:
//
// - a line `…` stands for any number of lines (none too);
// - a shown line that is JSON (a whole value on the line) matches a JSON line with the same
//   keys and the same value types, recursively. `, …]` in an array means "more
//   elements like these" (each actual element has the shape of a shown one), `[…]`
//   any array, `, …}` more keys; an array shown with elements must not be empty and
//   one shown empty must be empty;
// - any other line matches when it reads the same, except that `…` stands for any
//   text, a number for any number and a run of spaces for any run of spaces.
//
// Every other line must be there: as many lines, in order.

const MORE = '\u0000more';
const MORE_JSON = JSON.stringify(MORE);

/** The shown JSON with its ellipses turned into markers JSON can hold, or undefined when the line is not JSON. */
function parseShownJson(line: string): unknown {
  const t = line.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  const text = t
    .replace(/\[\s*…\s*\]/g, `[${MORE_JSON}]`)
    .replace(/,\s*…\s*\]/g, `,${MORE_JSON}]`)
    .replace(/,\s*…\s*\}/g, `,${MORE_JSON}:0}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // `{` alone, a line of pretty-printed JSON: compared as text
    return undefined;
  }
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Why `actual` does not have the shape of `shown`, or null when it does. */
export function jsonShapeMismatch(shown: unknown, actual: unknown, path = '$'): string | null {
  if (kind(shown) !== kind(actual)) return `${path}: ${kind(actual)} where the README shows ${kind(shown)}`;
  if (Array.isArray(shown)) {
    const a = actual as unknown[];
    const more = shown.includes(MORE);
    const elements = shown.filter((e) => e !== MORE);
    if (!more && a.length !== elements.length) return `${path}: ${a.length} element(s) where the README shows ${elements.length}`;
    if (more && elements.length > 0 && a.length === 0) return `${path}: empty where the README shows elements`;
    for (const [i, e] of a.entries()) {
      if (!more) {
        const why = jsonShapeMismatch(elements[i], e, `${path}[${i}]`);
        if (why) return why;
        continue;
      }
      if (elements.length === 0) continue;
      const whys = elements.map((s) => jsonShapeMismatch(s, e, `${path}[${i}]`));
      if (whys.every((w) => w !== null)) return whys[0]!;
    }
    return null;
  }
  if (kind(shown) === 'object') {
    const s = shown as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const more = MORE in s;
    for (const key of Object.keys(s)) {
      if (key === MORE) continue;
      if (!(key in a)) return `${path}.${key}: missing`;
      const why = jsonShapeMismatch(s[key], a[key], `${path}.${key}`);
      if (why) return why;
    }
    const extra = Object.keys(a).filter((k) => !(k in s));
    if (!more && extra.length > 0) return `${path}: keys ${extra.join(', ')} the README does not show`;
  }
  return null;
}

function textPattern(line: string): RegExp {
  let source = '';
  for (const part of line.trimEnd().split(/(…|\d+(?:\.\d+)?|\s+)/)) {
    if (part === '') continue;
    if (part === '…') source += '.*?';
    else if (/^\d/.test(part)) source += '\\d+(?:\\.\\d+)?';
    else if (/^\s+$/.test(part)) source += '\\s+';
    else source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Why one actual line does not match one shown line, or null. */
export function lineMismatch(shown: string, actual: string): string | null {
  const s = parseShownJson(shown);
  if (s !== undefined) {
    let a: unknown;
    try {
      a = JSON.parse(actual);
    } catch {
      return `not JSON: ${actual}`;
    }
    return jsonShapeMismatch(s, a);
  }
  return textPattern(shown).test(actual.trimEnd()) ? null : `${JSON.stringify(actual)} does not read like ${JSON.stringify(shown)}`;
}

/** Why `actual` lines do not have the shape of `shown` lines, or null when they do. */
export function outputMismatch(shown: string[], actual: string[]): string | null {
  // A search over (shown, actual) positions; `…` lines branch. The reason given
  // is the first one met at the furthest shown line reached.
  const memo = new Map<string, boolean>();
  let furthest = { i: -1, why: 'no match' };
  const fail = (i: number, why: string) => {
    if (i > furthest.i) furthest = { i, why };
    return false;
  };
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let ok: boolean;
    if (i === shown.length) ok = j === actual.length || fail(i, `${actual.length - j} more line(s) than the README shows, from ${JSON.stringify(actual[j])}`);
    else if (shown[i]!.trim() === '…') ok = go(i + 1, j) || (j < actual.length && go(i, j + 1));
    else if (j === actual.length) ok = fail(i, `nothing printed reads like ${JSON.stringify(shown[i])}`);
    else {
      const why = lineMismatch(shown[i]!, actual[j]!);
      // After a `…` line any printed line could have been the one: name the shown one.
      const afterAny = i > 0 && shown[i - 1]!.trim() === '…';
      ok = why === null ? go(i + 1, j + 1) : fail(i, afterAny ? `nothing printed reads like ${JSON.stringify(shown[i])}` : `line ${j + 1}: ${why}`);
    }
    memo.set(key, ok);
    return ok;
  };
  return go(0, 0) ? null : furthest.why;
}
