// What the `_schemas` topic holds: one record per accepted (or refused) write,
// a command the registry's state is folded from. The key names the write
// (its kind, its subject and a random write id, so no two writes share a key
// and compaction never drops one); the value is the command and `basedOn`,
// the end offset of the topic its writer read before writing (store.ts).
import { z } from 'zod';

export const SCHEMA_TYPES = ['AVRO', 'JSON', 'PROTOBUF'] as const;
export type SchemaType = (typeof SCHEMA_TYPES)[number];

export const COMPATIBILITY_LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const Reference = z.object({ name: z.string().min(1), subject: z.string().min(1), version: z.number().int() });
export type Reference = z.infer<typeof Reference>;

const Register = z.object({
  op: z.literal('register'),
  subject: z.string(),
  version: z.number().int().positive(),
  id: z.number().int().positive(),
  schemaType: z.enum(SCHEMA_TYPES),
  schema: z.string(),
  references: z.array(Reference),
});
const DeleteVersion = z.object({ op: z.literal('delete-version'), subject: z.string(), version: z.number().int().positive(), permanent: z.boolean() });
const DeleteSubject = z.object({ op: z.literal('delete-subject'), subject: z.string(), permanent: z.boolean() });
/** `subject` null: the global level; `compatibility` null: the subject's level removed. */
const Config = z.object({ op: z.literal('config'), subject: z.string().nullable(), compatibility: z.enum(COMPATIBILITY_LEVELS).nullable() });

export const Command = z.discriminatedUnion('op', [Register, DeleteVersion, DeleteSubject, Config]);
export type Command = z.infer<typeof Command>;

/** A record's value: the command and the offset its writer expected it to land at, as a decimal string. */
export const CommandRecord = z.intersection(Command, z.object({ basedOn: z.string().regex(/^\d+$/) }));
export type CommandRecord = z.infer<typeof CommandRecord>;

export const RecordKey = z.object({ keytype: z.string(), subject: z.string().nullable(), write: z.string() });
export type RecordKey = z.infer<typeof RecordKey>;
