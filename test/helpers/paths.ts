// Where things are when a test runs: `npm test` runs the compiled test tree
// (.test-build/<pid>/, see scripts/build-tests.mjs), while `node --import tsx --test
// test/x.test.ts` runs the sources. A test that starts another module as a
// process, or reads the repository's own files, asks here instead of counting
// `../` from its own file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: the folder of the nearest package.json above this file. */
export const repoRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('no package.json above test/helpers');
    dir = up;
  }
  return dir;
})();

/** True when this file was compiled (the test tree), false when it runs from its .ts source. */
export const compiled = import.meta.url.endsWith('.js');

/**
 * How to run `file` (a .ts path relative to `base`, usually the caller's
 * import.meta.url) as a process: the compiled .js beside the caller in the test
 * tree, or the .ts through tsx from the sources.
 */
export function nodeModule(file: string, base: string | URL): { script: string; execArgv: string[] } {
  const fromSources = !String(base).endsWith('.js');
  const script = fileURLToPath(new URL(fromSources ? file : file.replace(/\.ts$/, '.js'), base));
  // tsx by its resolved path, so a child whose working directory is elsewhere still finds it.
  return { script, execArgv: fromSources ? ['--import', import.meta.resolve('tsx')] : ['--enable-source-maps'] };
}

/** nodeModule as the arguments of `node` (for spawn). */
export function nodeArgs(file: string, base: string | URL): string[] {
  const { script, execArgv } = nodeModule(file, base);
  return [...execArgv, script];
}
