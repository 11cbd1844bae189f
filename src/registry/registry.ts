// What the registry does, apart from HTTP: register, look up, delete, the
// compatibility levels and checks, with Confluent's rules and error codes.
// Every answer is given on the state read to the topic's end (store.ts);
// every change is a command decided on that state and written to the topic.
import { compatibilityProblems, parseSchema, type Parsed } from './compat/index.js';
import { ErrorCode, RegistryError, invalidSchema, schemaNotFound, subjectNotFound, versionNotFound } from './errors.js';
import { COMPATIBILITY_LEVELS, type CompatibilityLevel, type Reference, type SchemaType } from './records.js';
import type { RegistryState, SchemaVersion } from './state.js';
import type { SchemaStore } from './store.js';

/** A schema as clients send it (`schemaType` absent means AVRO). */
export interface SchemaRequest {
  schema: string;
  schemaType?: SchemaType;
  references?: Reference[];
}

/** A version as the API answers it: `schemaType` and `references` left out when AVRO and none, as Confluent does. */
export interface VersionBody {
  subject: string;
  version: number;
  id: number;
  schemaType?: SchemaType;
  schema: string;
  references?: Reference[];
}

const MAX_VERSION = 2 ** 31 - 1;

/** `latest`, -1 or 1..2^31-1; anything else is 42202. */
export function parseVersion(raw: string): number | 'latest' {
  if (raw === 'latest' || raw === '-1') return 'latest';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_VERSION) {
    throw new RegistryError(ErrorCode.INVALID_VERSION, `The specified version '${raw}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
  }
  return n;
}

export function parseLevel(raw: unknown): CompatibilityLevel {
  const level = typeof raw === 'string' ? raw.toUpperCase() : '';
  if (!(COMPATIBILITY_LEVELS as readonly string[]).includes(level)) {
    throw new RegistryError(ErrorCode.INVALID_COMPATIBILITY_LEVEL, `Invalid compatibility level. Valid values are ${COMPATIBILITY_LEVELS.join(', ')}`);
  }
  return level as CompatibilityLevel;
}

export function versionBody(e: SchemaVersion): VersionBody {
  return {
    subject: e.subject,
    version: e.version,
    id: e.id,
    ...(e.schemaType === 'AVRO' ? {} : { schemaType: e.schemaType }),
    schema: e.schema,
    ...(e.references.length > 0 ? { references: e.references } : {}),
  };
}

export class SchemaRegistry {
  /** Parsed schemas by id: an id's schema never changes and ids are never reused. */
  private readonly parsed = new Map<number, Parsed>();

  constructor(readonly store: SchemaStore) {}

  private get state(): RegistryState {
    return this.store.state;
  }

  /** Reads the topic to its end, then answers from the state. */
  async read<T>(answer: (state: RegistryState) => T): Promise<T> {
    await this.store.sync();
    return answer(this.state);
  }

  subjects(deleted: boolean, prefix = ''): Promise<string[]> {
    return this.read((s) => s.subjectNames(deleted).filter((n) => n.startsWith(prefix)));
  }

  versions(subject: string, deleted: boolean): Promise<number[]> {
    return this.read((s) => {
      const versions = s.versions(subject, deleted);
      if (versions.length === 0) throw subjectNotFound(subject);
      return versions.map((v) => v.version);
    });
  }

  version(subject: string, rawVersion: string, deleted: boolean): Promise<VersionBody> {
    const version = parseVersion(rawVersion);
    return this.read((s) => versionBody(findVersion(s, subject, version, deleted)));
  }

  schemaById(id: number): Promise<{ schema: string; schemaType?: SchemaType; references?: Reference[] }> {
    return this.read((s) => {
      const found = s.byId.get(id);
      if (!found) throw schemaNotFound(`Schema ${id} not found`);
      return {
        ...(found.schemaType === 'AVRO' ? {} : { schemaType: found.schemaType }),
        schema: found.schema,
        ...(found.references.length > 0 ? { references: found.references } : {}),
      };
    });
  }

  /** The live subject/version pairs that use a schema id. */
  idVersions(id: number): Promise<{ subject: string; version: number }[]> {
    return this.read((s) => {
      if (!s.byId.has(id)) throw schemaNotFound(`Schema ${id} not found`);
      return s.subjectNames().flatMap((subject) => s.versions(subject).filter((v) => v.id === id).map((v) => ({ subject, version: v.version })));
    });
  }

  referencedBy(subject: string, rawVersion: string): Promise<number[]> {
    const version = parseVersion(rawVersion);
    return this.read((s) => {
      const e = findVersion(s, subject, version, true);
      return s.referencedBy(subject, e.version);
    });
  }

  /** The schema's id, registering it as the subject's next version when it is new and compatible. */
  register(subject: string, request: SchemaRequest): Promise<{ id: number; version: number }> {
    return this.store.mutate((s) => {
      const schemaType = request.schemaType ?? 'AVRO';
      const references = request.references ?? [];
      const parsed = this.parse(s, schemaType, request.schema, references);
      const live = s.versions(subject);
      const same = live.find((e) => matches(e, schemaType, parsed.canonical, references));
      if (same) return { result: { id: same.id, version: same.version } };
      const problems = compatibilityProblems(s.compatibility(subject), parsed, live.map((e) => this.parsedVersion(s, e)));
      if (problems.length > 0) {
        throw new RegistryError(
          ErrorCode.INCOMPATIBLE_SCHEMA,
          `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${JSON.stringify(problems)}`,
        );
      }
      const stored = { schemaType, schema: parsed.canonical, references };
      const id = s.idFor(stored);
      const version = s.nextVersion(subject);
      return { command: { op: 'register', subject, version, id, ...stored }, result: { id, version } };
    });
  }

  /** The version of `subject` holding this schema (`POST /subjects/{subject}`). */
  lookup(subject: string, request: SchemaRequest, deleted: boolean): Promise<VersionBody> {
    return this.read((s) => {
      const versions = s.versions(subject, deleted);
      if (versions.length === 0) throw subjectNotFound(subject);
      const schemaType = request.schemaType ?? 'AVRO';
      const references = request.references ?? [];
      const parsed = this.parse(s, schemaType, request.schema, references);
      const found = versions.find((e) => matches(e, schemaType, parsed.canonical, references));
      if (!found) throw schemaNotFound();
      return versionBody(found);
    });
  }

  /** Whether the schema may follow `rawVersion` (or, without one, the versions the level names). */
  check(subject: string, rawVersion: string | undefined, request: SchemaRequest): Promise<string[]> {
    const version = rawVersion === undefined ? undefined : parseVersion(rawVersion);
    return this.read((s) => {
      const parsed = this.parse(s, request.schemaType ?? 'AVRO', request.schema, request.references ?? []);
      const level = s.compatibility(subject);
      if (version === undefined) return compatibilityProblems(level, parsed, s.versions(subject).map((e) => this.parsedVersion(s, e)));
      const against = findVersion(s, subject, version, false);
      return compatibilityProblems(level.replace('_TRANSITIVE', '') as CompatibilityLevel, parsed, [this.parsedVersion(s, against)]);
    });
  }

  deleteVersion(subject: string, rawVersion: string, permanent: boolean): Promise<number> {
    const version = parseVersion(rawVersion);
    return this.store.mutate((s) => {
      const e = findVersion(s, subject, version, permanent);
      if (!permanent && e.deleted) throw new RegistryError(ErrorCode.SCHEMA_VERSION_SOFT_DELETED, `Subject '${subject}' Version ${e.version} was soft deleted. Set permanent=true to delete permanently`);
      if (permanent && !e.deleted) throw new RegistryError(ErrorCode.SCHEMA_VERSION_NOT_SOFT_DELETED, `Subject '${subject}' Version ${e.version} was not deleted first before being permanently deleted`);
      refuseReferenced(s, subject, [e.version]);
      return { command: { op: 'delete-version', subject, version: e.version, permanent }, result: e.version };
    });
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.store.mutate((s) => {
      const all = s.versions(subject, true);
      if (all.length === 0) throw subjectNotFound(subject);
      const live = s.versions(subject);
      if (!permanent && live.length === 0) throw new RegistryError(ErrorCode.SUBJECT_SOFT_DELETED, `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`);
      if (permanent && live.length > 0) throw new RegistryError(ErrorCode.SUBJECT_NOT_SOFT_DELETED, `Subject '${subject}' was not deleted first before being permanently deleted`);
      const versions = (permanent ? all : live).map((e) => e.version);
      refuseReferenced(s, subject, versions);
      return { command: { op: 'delete-subject', subject, permanent }, result: versions };
    });
  }

  globalConfig(): Promise<CompatibilityLevel> {
    return this.read((s) => s.globalCompatibility);
  }

  subjectConfig(subject: string, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    return this.read((s) => {
      const level = s.subjectCompatibility.get(subject) ?? (defaultToGlobal ? s.globalCompatibility : undefined);
      if (!level) throw new RegistryError(ErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level compatibility configured`);
      return level;
    });
  }

  /** Sets the level of a subject, or the global one (`subject` null). */
  setConfig(subject: string | null, raw: unknown): Promise<CompatibilityLevel> {
    const compatibility = parseLevel(raw);
    return this.store.mutate(() => ({ command: { op: 'config', subject, compatibility }, result: compatibility }));
  }

  /** Removes a subject's level (it then follows the global one); answers the level it had. */
  deleteConfig(subject: string): Promise<CompatibilityLevel> {
    return this.store.mutate((s) => {
      const level = s.subjectCompatibility.get(subject);
      if (!level) throw new RegistryError(ErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level compatibility configured`);
      return { command: { op: 'config', subject, compatibility: null }, result: level };
    });
  }

  private parse(s: RegistryState, schemaType: SchemaType, schema: string, references: Reference[]): Parsed {
    if (schema.trim() === '') throw invalidSchema('the schema is empty');
    return parseSchema({ schemaType, schema, references: resolveReferences(s, references) });
  }

  private parsedVersion(s: RegistryState, e: SchemaVersion): Parsed {
    let p = this.parsed.get(e.id);
    if (!p) this.parsed.set(e.id, (p = this.parse(s, e.schemaType, e.schema, e.references)));
    return p;
  }
}

function matches(e: SchemaVersion, schemaType: SchemaType, canonical: string, references: Reference[]): boolean {
  return e.schemaType === schemaType && e.schema === canonical && JSON.stringify(e.references) === JSON.stringify(references.map(({ name, subject, version }) => ({ name, subject, version })));
}

function findVersion(s: RegistryState, subject: string, version: number | 'latest', deleted: boolean): SchemaVersion {
  const versions = s.versions(subject, deleted);
  if (versions.length === 0 && s.versions(subject, true).length === 0) throw subjectNotFound(subject);
  const e = version === 'latest' ? versions.at(-1) : versions.find((v) => v.version === version);
  if (!e) throw versionNotFound(subject, version);
  return e;
}

function refuseReferenced(s: RegistryState, subject: string, versions: number[]): void {
  for (const version of versions) {
    if (s.referencedBy(subject, version).length > 0) {
      throw new RegistryError(ErrorCode.REFERENCE_EXISTS, `One or more references exist to the schema {subject=${subject}, version=${version}}`);
    }
  }
}

/** The texts of a schema's references by name, and of theirs (imports of imports), each once. */
function resolveReferences(s: RegistryState, references: Reference[], out = new Map<string, string>(), depth = 0): Map<string, string> {
  if (depth > 32) throw invalidSchema('references nest deeper than 32 levels');
  for (const ref of references) {
    if (out.has(ref.name)) continue;
    const versions = s.versions(ref.subject);
    const e = ref.version === -1 ? versions.at(-1) : versions.find((v) => v.version === ref.version);
    if (!e) throw invalidSchema(`reference ${ref.name}: subject '${ref.subject}' has no version ${ref.version}`);
    resolveReferences(s, e.references, out, depth + 1);
    out.set(ref.name, e.schema);
  }
  return out;
}
