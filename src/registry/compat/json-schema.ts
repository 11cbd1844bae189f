// JSON Schema compatibility: can a reader schema accept every document a
// writer schema accepts? It is decided structurally and conservatively: each
// keyword is compared with its counterpart, and whatever cannot be shown safe
// (a pattern that changed, a oneOf, an unknown keyword that differs) is
// reported. BACKWARD asks it with the new schema as reader, FORWARD with the
// old one. Like Confluent's checker, a property added to an open content
// model must accept anything, since old documents may already carry it.
import { isDeepStrictEqual } from 'node:util';

type Json = boolean | null | number | string | Json[] | { [k: string]: Json };
type Schema = boolean | Record<string, Json>;

/** A schema node with the document its `$ref`s resolve in. */
interface Node {
  schema: Schema;
  doc: Schema;
}

export interface JsonSchemaSide {
  schema: Schema;
  /** Referenced documents by the name `$ref` uses. */
  references: Map<string, Schema>;
}

const ANNOTATIONS = new Set(['$schema', '$id', 'id', '$comment', 'title', 'description', 'default', 'examples', 'readOnly', 'writeOnly', 'deprecated', 'definitions', '$defs', 'contentMediaType', 'contentEncoding']);
const HANDLED = new Set([
  '$ref', 'type', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', 'not',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'format',
  'items', 'minItems', 'maxItems', 'uniqueItems',
  'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties',
]);

const typeOf = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);

/** The problems a reader meets with documents the writer accepts; none means compatible. */
export function jsonSchemaProblems(reader: JsonSchemaSide, writer: JsonSchemaSide): string[] {
  const out: string[] = [];
  new Checker(reader.references, writer.references, out).check({ schema: reader.schema, doc: reader.schema }, { schema: writer.schema, doc: writer.schema }, '#');
  return out;
}

class Checker {
  private readonly seen = new Map<Schema, Set<Schema>>();

  constructor(
    private readonly readerRefs: Map<string, Schema>,
    private readonly writerRefs: Map<string, Schema>,
    private readonly out: string[],
  ) {}

  check(r: Node, w: Node, path: string): void {
    r = this.deref(r, this.readerRefs, path);
    w = this.deref(w, this.writerRefs, path);
    // `true` is the empty schema: what the reader's keywords make of any value is checked below.
    if (w.schema === true) w = { schema: {}, doc: w.doc };
    // Recursive schemas: a pair met again is assumed compatible (checked where it was first met).
    const pairs = this.seen.get(r.schema) ?? new Set();
    if (pairs.has(w.schema)) return;
    pairs.add(w.schema);
    this.seen.set(r.schema, pairs);
    const rs = r.schema;
    const ws = w.schema;
    if (ws === false || rs === true || isEmpty(rs)) return;
    // The same schema reads itself, unless a $ref may lead to documents that differ.
    if (isDeepStrictEqual(rs, ws) && !JSON.stringify(rs).includes('"$ref"')) return;
    if (rs === false) return this.report(path, 'the reader accepts no value here');
    if (ws === true) return; // (made {} above)
    this.combinators(r, w, path);
    if (ws.anyOf || ws.oneOf || (ws.allOf && !isDeepStrictEqual(rs.allOf, ws.allOf))) return;
    this.values(rs, ws, path);
    const types = writerTypes(ws);
    const may = (...ts: string[]) => types === undefined || ts.some((t) => types.has(t));
    if (may('number', 'integer')) this.numbers(rs, ws, path);
    if (may('string')) this.strings(rs, ws, path);
    if (may('array')) this.arrays(r, w, path);
    if (may('object')) this.objects(r, w, path);
    for (const k of Object.keys(rs)) {
      if (!HANDLED.has(k) && !ANNOTATIONS.has(k) && !isDeepStrictEqual(rs[k], ws[k])) this.report(path, `"${k}" differs and is not checked`);
    }
  }

  private report(path: string, message: string): void {
    this.out.push(`${path}: ${message}`);
  }

  /** Follows `$ref` (local pointers, or a referenced document by name) until a schema without one. */
  private deref(n: Node, refs: Map<string, Schema>, path: string): Node {
    for (let hops = 0; typeof n.schema === 'object' && typeof n.schema.$ref === 'string' && hops < 32; hops++) {
      const ref = n.schema.$ref;
      const hash = ref.indexOf('#');
      const name = hash < 0 ? ref : ref.slice(0, hash);
      const doc = name === '' ? n.doc : refs.get(name);
      if (doc === undefined) throw new Error(`${path}: $ref "${ref}" names no referenced schema`);
      const target = pointer(doc, hash < 0 ? '' : ref.slice(hash + 1));
      if (target === undefined) throw new Error(`${path}: $ref "${ref}" points at nothing`);
      n = { schema: target, doc };
    }
    return n;
  }

  private combinators(r: Node, w: Node, path: string): void {
    const rs = r.schema as Record<string, Json>;
    const ws = w.schema as Record<string, Json>;
    const sub = (n: Node, s: Json): Node => ({ schema: s as Schema, doc: n.doc });
    // A writer union: each branch must be readable on its own (the reader's side is checked per branch).
    let split = false;
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = ws[key];
      if (Array.isArray(branches)) branches.forEach((b, i) => this.check(r, sub(w, b), `${path}/${key}/${i}`));
      split ||= Array.isArray(branches);
    }
    if (split) return;
    // A writer intersection: enough that the reader reads one member (unless both have the same allOf).
    if (Array.isArray(ws.allOf) && !isDeepStrictEqual(rs.allOf, ws.allOf)) {
      const { allOf: _, ...rest } = ws;
      const tries = [rest, ...ws.allOf].map((m) => this.attempt(r, sub(w, m), path));
      if (!tries.some((t) => t.length === 0)) this.out.push(...tries[0]!);
      return;
    }
    if (Array.isArray(rs.allOf) && !isDeepStrictEqual(rs.allOf, ws.allOf)) rs.allOf.forEach((m, i) => this.check(sub(r, m), w, `${path}/allOf/${i}`));
    if (Array.isArray(rs.anyOf) && !isDeepStrictEqual(rs.anyOf, ws.anyOf)) {
      if (!rs.anyOf.some((b) => this.attempt(sub(r, b), w, path).length === 0)) this.report(path, 'no branch of the reader\'s anyOf accepts every writer value');
    }
    if (rs.oneOf !== undefined && !isDeepStrictEqual(rs.oneOf, ws.oneOf)) this.report(path, 'the reader\'s oneOf changed');
    if (rs.not !== undefined && !isDeepStrictEqual(rs.not, ws.not)) this.report(path, 'the reader\'s "not" changed');
  }

  /** The problems of one check, without reporting them. */
  private attempt(r: Node, w: Node, path: string): string[] {
    const out: string[] = [];
    new Checker(this.readerRefs, this.writerRefs, out).check(r, w, path);
    return out;
  }

  private values(rs: Record<string, Json>, ws: Record<string, Json>, path: string): void {
    const writerValues = ws.const !== undefined ? [ws.const] : Array.isArray(ws.enum) ? ws.enum : undefined;
    if (rs.const !== undefined || Array.isArray(rs.enum)) {
      const allowed = rs.const !== undefined ? [rs.const] : (rs.enum as Json[]);
      if (!writerValues) return this.report(path, 'the reader allows only some values (enum or const), the writer any');
      const missing = writerValues.filter((v) => !allowed.some((a) => isDeepStrictEqual(a, v)));
      if (missing.length > 0) this.report(path, `the reader does not allow ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
    }
    const readerTypes = typesOf(rs.type);
    if (!readerTypes) return;
    const wt = writerTypes(ws);
    if (!wt) return this.report(path, `the reader allows only the type(s) ${[...readerTypes].join(', ')}, the writer any`);
    for (const t of wt) {
      const ok = readerTypes.has(t) || (t === 'integer' && readerTypes.has('number'));
      if (!ok) this.report(path, `the reader does not allow the type ${t}`);
    }
  }

  private numbers(rs: Record<string, Json>, ws: Record<string, Json>, path: string): void {
    const low = (s: Record<string, Json>) => bound(s, 'minimum', 'exclusiveMinimum', Math.max);
    const high = (s: Record<string, Json>) => bound(s, 'maximum', 'exclusiveMaximum', Math.min);
    const [rl, wl] = [low(rs), low(ws)];
    if (rl && (!wl || wl.value < rl.value || (wl.value === rl.value && rl.exclusive && !wl.exclusive))) this.report(path, 'the reader\'s minimum is higher');
    const [rh, wh] = [high(rs), high(ws)];
    if (rh && (!wh || wh.value > rh.value || (wh.value === rh.value && rh.exclusive && !wh.exclusive))) this.report(path, 'the reader\'s maximum is lower');
    if (typeof rs.multipleOf === 'number') {
      const ok = typeof ws.multipleOf === 'number' && Number.isInteger(ws.multipleOf / rs.multipleOf);
      if (!ok) this.report(path, `the reader needs multiples of ${rs.multipleOf}`);
    }
  }

  private strings(rs: Record<string, Json>, ws: Record<string, Json>, path: string): void {
    this.atLeast(rs, ws, 'minLength', path);
    this.atMost(rs, ws, 'maxLength', path);
    for (const k of ['pattern', 'format'] as const) {
      if (rs[k] !== undefined && rs[k] !== ws[k]) this.report(path, `the reader's ${k} ${JSON.stringify(rs[k])} is not the writer's`);
    }
  }

  private arrays(r: Node, w: Node, path: string): void {
    const rs = r.schema as Record<string, Json>;
    const ws = w.schema as Record<string, Json>;
    this.atLeast(rs, ws, 'minItems', path);
    this.atMost(rs, ws, 'maxItems', path);
    if (rs.uniqueItems === true && ws.uniqueItems !== true) this.report(path, 'the reader needs unique items');
    if (Array.isArray(rs.items) || Array.isArray(ws.items)) {
      if (!isDeepStrictEqual(rs.items, ws.items)) this.report(`${path}/items`, 'tuple items changed');
      return;
    }
    if (rs.items !== undefined) this.check({ schema: rs.items as Schema, doc: r.doc }, { schema: (ws.items ?? true) as Schema, doc: w.doc }, `${path}/items`);
  }

  private objects(r: Node, w: Node, path: string): void {
    const rs = r.schema as Record<string, Json>;
    const ws = w.schema as Record<string, Json>;
    this.atLeast(rs, ws, 'minProperties', path);
    this.atMost(rs, ws, 'maxProperties', path);
    const props = (s: Record<string, Json>) => (s.properties && typeof s.properties === 'object' && !Array.isArray(s.properties) ? s.properties : {}) as Record<string, Json>;
    const [rp, wp] = [props(rs), props(ws)];
    const rAdd = (rs.additionalProperties ?? true) as Schema;
    const wAdd = (ws.additionalProperties ?? true) as Schema;
    for (const name of new Set([...Object.keys(rp), ...Object.keys(wp)])) {
      const readerProp = (name in rp ? rp[name] : rAdd) as Schema;
      const writerProp = (name in wp ? wp[name] : wAdd) as Schema;
      const where = `${path}/properties/${name}`;
      if (!(name in wp) && wAdd === true && readerProp !== true && !isEmpty(readerProp)) {
        this.report(where, 'added to an open content model: writer documents may already hold any value under this name');
        continue;
      }
      this.check({ schema: readerProp, doc: r.doc }, { schema: writerProp, doc: w.doc }, where);
    }
    if (rs.additionalProperties !== undefined) this.check({ schema: rAdd, doc: r.doc }, { schema: wAdd, doc: w.doc }, `${path}/additionalProperties`);
    const wRequired = new Set(Array.isArray(ws.required) ? ws.required : []);
    for (const name of Array.isArray(rs.required) ? rs.required : []) {
      if (!wRequired.has(name)) this.report(`${path}/properties/${String(name)}`, 'required by the reader but not by the writer');
    }
  }

  private atLeast(rs: Record<string, Json>, ws: Record<string, Json>, k: string, path: string): void {
    if (typeof rs[k] === 'number' && !(typeof ws[k] === 'number' && ws[k] >= rs[k])) this.report(path, `the reader's ${k} ${rs[k]} is higher`);
  }

  private atMost(rs: Record<string, Json>, ws: Record<string, Json>, k: string, path: string): void {
    if (typeof rs[k] === 'number' && !(typeof ws[k] === 'number' && ws[k] <= rs[k])) this.report(path, `the reader's ${k} ${rs[k]} is lower`);
  }
}

function isEmpty(s: Schema): boolean {
  return typeof s === 'object' && Object.keys(s).every((k) => ANNOTATIONS.has(k));
}

function typesOf(t: Json | undefined): Set<string> | undefined {
  if (typeof t === 'string') return new Set([t]);
  if (Array.isArray(t)) return new Set(t.map(String));
  return undefined;
}

/** The types a writer's documents may have: from `type`, or from its enum or const. */
function writerTypes(ws: Record<string, Json>): Set<string> | undefined {
  const values = ws.const !== undefined ? [ws.const] : Array.isArray(ws.enum) ? ws.enum : undefined;
  const declared = typesOf(ws.type);
  if (values) {
    const fromValues = new Set(values.map(typeOf));
    return declared ? new Set([...fromValues].filter((t) => declared.has(t) || (t === 'integer' && declared.has('number')))) : fromValues;
  }
  return declared;
}

/** The tighter of a bound and its exclusive form (draft 6+ numbers; draft 4 booleans). */
function bound(s: Record<string, Json>, inclusive: string, exclusive: string, tighter: (a: number, b: number) => number): { value: number; exclusive: boolean } | undefined {
  const inc = typeof s[inclusive] === 'number' ? s[inclusive] : undefined;
  if (s[exclusive] === true && inc !== undefined) return { value: inc, exclusive: true };
  const exc = typeof s[exclusive] === 'number' ? s[exclusive] : undefined;
  if (inc === undefined && exc === undefined) return undefined;
  if (inc === undefined) return { value: exc!, exclusive: true };
  if (exc === undefined) return { value: inc, exclusive: false };
  const value = tighter(inc, exc);
  return { value, exclusive: value === exc };
}

/** The schema a JSON pointer fragment (`/definitions/a`) points at in `doc`. */
function pointer(doc: Schema, fragment: string): Schema | undefined {
  let at: Json = doc;
  for (const raw of fragment.split('/').slice(1)) {
    const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, Json>)[part] as Json;
    if (at === undefined) return undefined;
  }
  return typeof at === 'boolean' || (at !== null && typeof at === 'object' && !Array.isArray(at)) ? (at as Schema) : undefined;
}
