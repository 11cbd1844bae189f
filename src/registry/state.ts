// The registry's state, folded from the commands of the `_schemas` topic in
// offset order. Every instance folds the same accepted commands the same way,
// so every instance answers the same. Commands were checked by their writer
// against this same state (store.ts), so applying one never fails.
import type { Command, CompatibilityLevel, Reference, SchemaType } from './records.js';

export interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: Reference[];
  deleted: boolean;
}

export interface StoredSchema {
  schemaType: SchemaType;
  schema: string;
  references: Reference[];
}

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** The identity of a schema for id reuse: type, text and references. */
export function schemaIdentity(s: StoredSchema): string {
  return JSON.stringify([s.schemaType, s.schema, s.references.map((r) => [r.name, r.subject, r.version])]);
}

export class RegistryState {
  /** subject → version → entry (soft-deleted ones included). */
  readonly subjects = new Map<string, Map<number, SchemaVersion>>();
  readonly byId = new Map<number, StoredSchema>();
  private readonly idByIdentity = new Map<string, number>();
  /** The highest id ever assigned: ids are never reused, even after a permanent delete. */
  maxId = 0;
  globalCompatibility: CompatibilityLevel = DEFAULT_COMPATIBILITY;
  readonly subjectCompatibility = new Map<string, CompatibilityLevel>();

  apply(c: Command): void {
    switch (c.op) {
      case 'register': {
        const stored = { schemaType: c.schemaType, schema: c.schema, references: c.references };
        this.byId.set(c.id, stored);
        this.idByIdentity.set(schemaIdentity(stored), c.id);
        this.maxId = Math.max(this.maxId, c.id);
        let versions = this.subjects.get(c.subject);
        if (!versions) this.subjects.set(c.subject, (versions = new Map()));
        versions.set(c.version, { subject: c.subject, version: c.version, id: c.id, ...stored, deleted: false });
        return;
      }
      case 'delete-version':
        this.deleteVersions(c.subject, [c.version], c.permanent);
        return;
      case 'delete-subject':
        this.deleteVersions(c.subject, [...(this.subjects.get(c.subject)?.keys() ?? [])], c.permanent);
        if (c.permanent) this.subjectCompatibility.delete(c.subject);
        return;
      case 'config':
        if (c.subject === null) this.globalCompatibility = c.compatibility ?? DEFAULT_COMPATIBILITY;
        else if (c.compatibility === null) this.subjectCompatibility.delete(c.subject);
        else this.subjectCompatibility.set(c.subject, c.compatibility);
        return;
    }
  }

  private deleteVersions(subject: string, versions: number[], permanent: boolean): void {
    const all = this.subjects.get(subject);
    if (!all) return;
    for (const v of versions) {
      const entry = all.get(v);
      if (!entry) continue;
      if (!permanent) {
        entry.deleted = true;
        continue;
      }
      all.delete(v);
      if (!this.isIdUsed(entry.id)) {
        const stored = this.byId.get(entry.id);
        this.byId.delete(entry.id);
        if (stored) this.idByIdentity.delete(schemaIdentity(stored));
      }
    }
    if (all.size === 0) this.subjects.delete(subject);
  }

  private isIdUsed(id: number): boolean {
    for (const versions of this.subjects.values()) for (const e of versions.values()) if (e.id === id) return true;
    return false;
  }

  /** The id this schema has (under any subject), else the next one. */
  idFor(schema: StoredSchema): number {
    return this.idByIdentity.get(schemaIdentity(schema)) ?? this.maxId + 1;
  }

  /** A subject's versions in order; soft-deleted ones only with `deleted`. */
  versions(subject: string, deleted = false): SchemaVersion[] {
    const all = [...(this.subjects.get(subject)?.values() ?? [])].filter((e) => deleted || !e.deleted);
    return all.sort((a, b) => a.version - b.version);
  }

  /** Subjects with a live version (or any version, with `deleted`). */
  subjectNames(deleted = false): string[] {
    return [...this.subjects.keys()].filter((s) => this.versions(s, deleted).length > 0).sort();
  }

  /** The next version number of a subject: after every version it ever had that is still stored. */
  nextVersion(subject: string): number {
    return Math.max(0, ...(this.subjects.get(subject)?.keys() ?? [])) + 1;
  }

  compatibility(subject: string): CompatibilityLevel {
    return this.subjectCompatibility.get(subject) ?? this.globalCompatibility;
  }

  /** Live versions that name `subject`/`version` as a reference, by schema id. */
  referencedBy(subject: string, version: number): number[] {
    const ids = new Set<number>();
    for (const versions of this.subjects.values()) {
      for (const e of versions.values()) {
        if (!e.deleted && e.references.some((r) => r.subject === subject && r.version === version)) ids.add(e.id);
      }
    }
    return [...ids].sort((a, b) => a - b);
  }
}
