// Protobuf schemas: parsed with protobufjs (the imports resolved from the
// schema's references, and Google's well-known types built in), and checked
// for wire compatibility the way Confluent's checker does: a package change,
// a message the writer has and the reader lacks, a field whose kind or type
// changed in a way the wire format does not tolerate, a required field added
// or removed, fields moved into a oneof. Fields added or removed otherwise are
// compatible: a reader skips fields it does not know.
import protobuf from 'protobufjs';
import { invalidSchema } from '../errors.js';

export interface ParsedProto {
  root: protobuf.Root;
  package: string;
  /** Full names (`.pkg.Msg`) of the messages this file declares, nested ones included. */
  messages: string[];
}

const PARSE = { keepCase: true, alternateCommentMode: true };

/** Parses the file with its referenced files (import name → text); throws 42201 when it does not parse or resolve. */
export function parseProto(text: string, references: Map<string, string>): ParsedProto {
  try {
    const own = protobuf.parse(text, PARSE);
    const messages: string[] = [];
    collect(own.root, messages);
    const root = new protobuf.Root();
    for (const [name, json] of wellKnown(own.imports ?? [])) root.addJSON(json);
    for (const refText of references.values()) protobuf.parse(refText, root, PARSE);
    protobuf.parse(text, root, PARSE);
    root.resolveAll();
    return { root, package: own.package ?? '', messages };
  } catch (err) {
    throw invalidSchema(`protobuf: ${(err as Error).message}`);
  }
}

function* wellKnown(imports: string[]): Generator<[string, protobuf.INamespace['nested'] & object]> {
  for (const name of imports) {
    const json = protobuf.common.get(name) as protobuf.INamespace | null;
    if (json?.nested) yield [name, json.nested];
  }
}

function collect(ns: protobuf.NamespaceBase, out: string[]): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) out.push(child.fullName);
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) collect(child as protobuf.NamespaceBase, out);
  }
}

// Scalars that read each other's bytes: same wire type and value space, as Confluent groups them.
const WIRE_GROUPS = [['int32', 'uint32', 'int64', 'uint64', 'bool'], ['sint32', 'sint64'], ['fixed32', 'sfixed32'], ['fixed64', 'sfixed64'], ['string', 'bytes'], ['double'], ['float']];
const groupOf = (t: string) => WIRE_GROUPS.findIndex((g) => g.includes(t));

/** The problems a reader meets with messages the writer produces; none means compatible. */
export function protobufProblems(reader: ParsedProto, writer: ParsedProto): string[] {
  const out: string[] = [];
  if (reader.package !== writer.package) out.push(`PACKAGE_CHANGED: "${writer.package}" became "${reader.package}"`);
  for (const name of writer.messages) {
    const w = writer.root.lookupType(name);
    const r = lookup(reader.root, name);
    if (!r) {
      out.push(`MESSAGE_REMOVED: ${name.slice(1)}`);
      continue;
    }
    messageProblems(r, w, out);
  }
  return out;
}

function lookup(root: protobuf.Root, name: string): protobuf.Type | undefined {
  try {
    return root.lookupType(name);
  } catch {
    return undefined;
  }
}

function messageProblems(r: protobuf.Type, w: protobuf.Type, out: string[]): void {
  const at = (f: protobuf.Field) => `${w.fullName.slice(1)}.${f.name} (${f.id})`;
  for (const wf of w.fieldsArray) {
    const rf = r.fieldsById[wf.id];
    if (!rf) {
      if (wf.required) out.push(`REQUIRED_FIELD_REMOVED: ${at(wf)}`);
      continue;
    }
    const kind = (f: protobuf.Field) => (f instanceof protobuf.MapField ? `map<${f.keyType}>` : f.repeated ? 'repeated' : 'single');
    if (kind(rf) !== kind(wf)) {
      out.push(`FIELD_KIND_CHANGED: ${at(wf)} was ${kind(wf)}, is ${kind(rf)}`);
      continue;
    }
    const [rt, wt] = [typeName(rf), typeName(wf)];
    if (rt === wt) continue;
    const [rg, wg] = [groupOf(rt), groupOf(wt)];
    if (rg >= 0 && wg >= 0) {
      if (rg !== wg) out.push(`FIELD_SCALAR_KIND_CHANGED: ${at(wf)} was ${wt}, is ${rt}`);
    } else if (rg >= 0 || wg >= 0) {
      out.push(`FIELD_KIND_CHANGED: ${at(wf)} was ${wt}, is ${rt}`);
    } else {
      out.push(`FIELD_NAMED_TYPE_CHANGED: ${at(wf)} was ${wt.slice(1)}, is ${rt.slice(1)}`);
    }
  }
  for (const rf of r.fieldsArray) {
    if (rf.required && !w.fieldsById[rf.id]) out.push(`REQUIRED_FIELD_ADDED: ${w.fullName.slice(1)}.${rf.name} (${rf.id})`);
  }
  for (const oneof of r.oneofsArray) {
    const existing = w.oneofs?.[oneof.name];
    const movedIn = oneof.fieldsArray.filter((f) => {
      const before = w.fieldsById[f.id];
      return before && !before.partOf;
    });
    if (existing && movedIn.length > 0) out.push(`FIELD_MOVED_TO_EXISTING_ONEOF: ${movedIn.map((f) => f.name).join(', ')} into ${oneof.name}`);
    else if (movedIn.length > 1) out.push(`MULTIPLE_FIELDS_MOVED_TO_ONEOF: ${movedIn.map((f) => f.name).join(', ')} into ${oneof.name}`);
  }
}

/** A scalar's name, or the full name of a message or enum type. */
function typeName(f: protobuf.Field): string {
  const resolved = f.resolve().resolvedType;
  return resolved ? resolved.fullName : f.type;
}
