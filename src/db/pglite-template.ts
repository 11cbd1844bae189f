// A freshly initialised PGlite cluster, packed once at build time (`npm run
// build` writes it beside this module in dist/), so the first start on an empty
// data folder unpacks it instead of running initdb: initdb costs about 4 s of CPU,
// unpacking under one. The file names the PGlite version that made it; with
// another version installed, or run from the sources, there is no template and
// PGlite runs initdb as before.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

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

/** Where the template of the installed PGlite is, beside this module. */
export function templatePath(dir = path.dirname(new URL(import.meta.url).pathname)): string {
  return path.join(dir, `pglite-${pgliteVersion()}.tar.gz`);
}

/** Initialises a cluster in memory and writes it, packed, to `file`. */
export async function writeTemplate(file = templatePath()): Promise<string> {
  const pglite = await PGlite.create();
  try {
    const dump = await pglite.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }
  return file;
}

/** The template as PGlite's `loadDataDir` takes it, or undefined when there is none. */
export function readTemplate(file = templatePath()): Blob | undefined {
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
}
