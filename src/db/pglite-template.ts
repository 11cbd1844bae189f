// A freshly initialised and migrated PGlite cluster, packed once at build time
// (`npm run build` writes it beside this module in dist/), so the first start on
// an empty data folder unpacks it instead of running initdb and the migrations:
// initdb costs about 4 s of CPU and the migrations half a second, unpacking a few
// hundred ms. The file names the PGlite version and the last migration that made
// it; with another version installed, or run from the sources, there is no
// template and PGlite runs initdb as before. A template made before a newer
// migration is not picked: its name no longer matches.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { migrateToLatest, migrations } from './migrations/index.js';
import { PGliteDialect } from './pglite-dialect.js';

/** The installed PGlite's version, from its package.json. */
export function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the package.json of @electric-sql/pglite');
    dir = up;
  }
}

/** Where the template of the installed PGlite and the current migrations is, beside this module. */
export function templatePath(dir = path.dirname(new URL(import.meta.url).pathname)): string {
  const last = Object.keys(migrations).sort().at(-1) ?? 'none';
  return path.join(dir, `pglite-${pgliteVersion()}-${last}.tar.gz`);
}

/** Initialises a cluster in memory, migrates its default schema and writes it, packed, to `file`. */
export async function writeTemplate(file = templatePath()): Promise<string> {
  const pglite = await PGlite.create();
  try {
    // Kysely's destroy() would close PGlite before the dump: it is closed here instead.
    await migrateToLatest(new Kysely<any>({ dialect: new PGliteDialect({ pglite }) }), 'public');
    const dump = await pglite.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }
  return file;
}

/**
 * Unpacks a template (a gzipped tar of files and folders, as PGlite's dumpDataDir
 * writes it) into `dir`, with Node's own gunzip and file writes: about half the CPU
 * of PGlite's loadDataDir, which unpacks in JavaScript through its virtual file system,
 * and of node-tar (0.9–1.1 s against 0.6 s here: it sets times and owners entry by entry).
 * Answers false when there is no template.
 */
export function unpackTemplate(dir: string, file = templatePath()): boolean {
  if (!existsSync(file)) return false;
  const tar = gunzipSync(readFileSync(file));
  const text = (header: Buffer, from: number, to: number) => {
    const field = header.subarray(from, to);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
  };
  // The cluster's PG_VERSION is written last: a folder is taken for a cluster once it has
  // one (open-pglite.ts), so an unpacking cut short is unpacked again at the next start.
  let version: Buffer | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header[0] === 0) break; // the archive's end: zero blocks
    const prefix = text(header, 345, 500); // ustar: a long name's leading part
    const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const size = parseInt(text(header, 124, 136).trim() || '0', 8);
    const type = header[156] === 0 ? '0' : String.fromCharCode(header[156]!);
    const target = path.join(dir, path.normalize(`/${name}`)); // rooted first: nothing lands outside dir
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0' && path.relative(dir, target) === 'PG_VERSION') version = tar.subarray(at + 512, at + 512 + size);
    else if (type === '0') {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, tar.subarray(at + 512, at + 512 + size), { mode: 0o600 });
    } else throw new Error(`${file}: entry ${name} is of tar type ${type}; a PGlite template holds only files and folders`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  if (!version) throw new Error(`${file}: no PG_VERSION in it, so it is no PGlite cluster`);
  writeFileSync(path.join(dir, 'PG_VERSION'), version, { mode: 0o600 });
  return true;
}
