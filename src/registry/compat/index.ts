// One entry for the three schema types: parse a schema (42201 when it is not
// one), its canonical text (how it is stored and compared), and the
// compatibility of a new schema with earlier versions under a level.
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { invalidSchema } from '../errors.js';
import type { CompatibilityLevel, SchemaType } from '../records.js';
import type { StoredSchema } from '../state.js';
import { avroProblems, parseAvro } from './avro.js';
import { jsonSchemaProblems, type JsonSchemaSide } from './json-schema.js';
import { parseProto, protobufProblems, type ParsedProto } from './protobuf.js';

/** A schema with its referenced schemas' texts by reference name (already resolved by the caller). */
export interface SchemaInput {
  schemaType: SchemaType;
  schema: string;
  references: Map<string, string>;
}

export type Parsed =
  | { schemaType: 'AVRO'; canonical: string; avro: ReturnType<typeof parseAvro> }
  | { schemaType: 'JSON'; canonical: string; json: JsonSchemaSide }
  | { schemaType: 'PROTOBUF'; canonical: string; proto: ParsedProto };

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidSchema(`${what} is not JSON: ${(err as Error).message}`);
  }
}

/** An ajv for the draft the schema names in `$schema` (draft-07 and earlier by default), as Confluent accepts them. */
function validatorFor(schema: unknown): Ajv {
  const draft = typeof schema === 'object' && schema !== null ? String((schema as { $schema?: unknown }).$schema ?? '') : '';
  const options = { strict: false, validateFormats: false };
  if (draft.includes('2020-12')) return new Ajv2020(options);
  if (draft.includes('2019-09')) return new Ajv2019(options);
  return new Ajv(options);
}

export function parseSchema(input: SchemaInput): Parsed {
  switch (input.schemaType) {
    case 'AVRO': {
      const avro = parseAvro(input.schema, input.references);
      return { schemaType: 'AVRO', canonical: JSON.stringify(parseJson(input.schema, 'the schema')), avro };
    }
    case 'JSON': {
      const schema = parseJson(input.schema, 'the schema');
      if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) throw invalidSchema('a JSON Schema is an object or a boolean');
      const references = new Map([...input.references].map(([name, text]) => [name, parseJson(text, `reference ${name}`) as JsonSchemaSide['schema']]));
      // Compiling proves it is a schema ajv can validate with: keywords well formed, $refs resolvable.
      const ajv = validatorFor(schema);
      try {
        for (const [name, ref] of references) ajv.addSchema(ref as object, name);
        ajv.compile(schema as object);
      } catch (err) {
        throw invalidSchema(`json: ${(err as Error).message}`);
      }
      return { schemaType: 'JSON', canonical: JSON.stringify(schema), json: { schema: schema as JsonSchemaSide['schema'], references } };
    }
    case 'PROTOBUF':
      return { schemaType: 'PROTOBUF', canonical: input.schema.trim(), proto: parseProto(input.schema, input.references) };
  }
}

/** What a reader meets reading a writer's data; both of one type. */
export function readProblems(reader: Parsed, writer: Parsed): string[] {
  if (reader.schemaType !== writer.schemaType) return [`the schema type changed from ${writer.schemaType} to ${reader.schemaType}`];
  try {
    if (reader.schemaType === 'AVRO') return avroProblems(reader.avro, (writer as typeof reader).avro);
    if (reader.schemaType === 'JSON') return jsonSchemaProblems(reader.json, (writer as typeof reader).json);
    return protobufProblems(reader.proto, (writer as typeof reader).proto);
  } catch (err) {
    return [(err as Error).message];
  }
}

/**
 * Why `candidate` may not follow `earlier` (oldest first) under `level`; none
 * means it may. BACKWARD: the new schema reads the latest one's data; FORWARD:
 * the latest reads the new one's; FULL: both; *_TRANSITIVE: against every
 * earlier version, not the latest alone.
 */
export function compatibilityProblems(level: CompatibilityLevel, candidate: Parsed, earlier: Parsed[]): string[] {
  if (level === 'NONE' || earlier.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? earlier : earlier.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const out: string[] = [];
  for (const old of against) {
    if (backward) for (const p of readProblems(candidate, old)) out.push(`BACKWARD: ${p}`);
    if (forward) for (const p of readProblems(old, candidate)) out.push(`FORWARD: ${p}`);
  }
  return out;
}

export type { StoredSchema };
