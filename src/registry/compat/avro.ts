// Avro schemas with avsc: parsed with the named types of their references
// registered first, and checked with avsc's schema resolution (a reader can
// read a writer's data when avsc can build a resolver from one to the other).
import avro from 'avsc';
import { invalidSchema } from '../errors.js';

export function parseAvro(text: string, references: Map<string, string>): avro.Type {
  try {
    const registry: Record<string, avro.Type> = {};
    for (const ref of references.values()) avro.Type.forSchema(JSON.parse(ref) as avro.Schema, { registry });
    return avro.Type.forSchema(JSON.parse(text) as avro.Schema, { registry });
  } catch (err) {
    throw invalidSchema(`avro: ${(err as Error).message}`);
  }
}

export function avroProblems(reader: avro.Type, writer: avro.Type): string[] {
  try {
    reader.createResolver(writer);
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}
