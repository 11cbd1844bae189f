// The broker's ACLs, kept in <dataDir>/acls.json so they survive a restart (as Kafka
// keeps them in its metadata). The whole list is rewritten atomically on every
// change; names are spelled out (TOPIC, PREFIXED, WRITE, ALLOW) so the file reads
// as `kafka-acls --list` would print it.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../atomic-file.js';
import { filterMatches } from './matcher.js';
import {
  AclOperation,
  PatternType,
  PermissionType,
  ResourceType,
  operationName,
  patternTypeName,
  permissionTypeName,
  resourceTypeName,
  sameBinding,
  type AclBinding,
  type AclBindingFilter,
} from './types.js';

export class AclFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AclFileError';
  }
}

interface StoredAcl {
  resourceType: string;
  resourceName: string;
  patternType: string;
  principal: string;
  host: string;
  operation: string;
  permissionType: string;
}

export function aclFileIn(dataDir: string): string {
  return path.join(dataDir, 'acls.json');
}

export class AclStore {
  private acls: AclBinding[];

  /** Reads the file (none yet: no ACLs); `file` undefined keeps ACLs in memory only. */
  constructor(private readonly file: string | undefined) {
    this.acls = file === undefined ? [] : read(file);
  }

  get size(): number {
    return this.acls.length;
  }

  /** Every ACL, or those `filter` selects. */
  list(filter?: AclBindingFilter): AclBinding[] {
    return filter ? this.acls.filter((a) => filterMatches(filter, a)) : [...this.acls];
  }

  /** The ACLs on resources of `resourceType` (the authorizer narrows them further). */
  ofType(resourceType: number): AclBinding[] {
    return this.acls.filter((a) => a.resourceType === resourceType);
  }

  /** Adds the ACLs not already there (creating an existing ACL is not an error, as in Kafka). */
  add(bindings: readonly AclBinding[]): void {
    const fresh = bindings.filter((b, i) => !this.acls.some((a) => sameBinding(a, b)) && bindings.findIndex((o) => sameBinding(o, b)) === i);
    if (fresh.length === 0) return;
    this.acls.push(...fresh.map((b) => ({ ...b })));
    this.save();
  }

  /** Removes what each filter selects; per filter, the ACLs it removed. */
  remove(filters: readonly AclBindingFilter[]): AclBinding[][] {
    const removed = filters.map((f) => this.acls.filter((a) => filterMatches(f, a)));
    const gone = new Set(removed.flat());
    if (gone.size > 0) {
      this.acls = this.acls.filter((a) => !gone.has(a));
      this.save();
    }
    return removed;
  }

  private save(): void {
    if (this.file === undefined) return;
    writeFileAtomically(this.file, JSON.stringify({ version: 1, acls: this.acls.map(encode) }, null, 1));
  }
}

function read(file: string): AclBinding[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AclFileError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as { version?: number; acls?: StoredAcl[] };
    if (parsed.version !== 1 || !Array.isArray(parsed.acls)) throw new Error('not a version 1 ACL file');
    return parsed.acls.map(decode);
  } catch (err) {
    throw new AclFileError(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

const encode = (a: AclBinding): StoredAcl => ({
  resourceType: resourceTypeName(a.resourceType)!,
  resourceName: a.resourceName,
  patternType: patternTypeName(a.patternType)!,
  principal: a.principal,
  host: a.host,
  operation: operationName(a.operation)!,
  permissionType: permissionTypeName(a.permissionType)!,
});

function decode(s: StoredAcl): AclBinding {
  const code = <T extends Record<string, number>>(codes: T, what: string, name: string): number => {
    const c = codes[name];
    if (c === undefined) throw new Error(`unknown ${what} "${name}"`);
    return c;
  };
  return {
    resourceType: code(ResourceType, 'resource type', s.resourceType),
    resourceName: s.resourceName,
    patternType: code(PatternType, 'pattern type', s.patternType),
    principal: s.principal,
    host: s.host,
    operation: code(AclOperation, 'operation', s.operation),
    permissionType: code(PermissionType, 'permission type', s.permissionType),
  };
}
