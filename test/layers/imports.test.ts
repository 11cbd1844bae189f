// The import graph of src/, read from the TypeScript sources: no module imports
// itself through others (a cycle), and the stream library's entry loads no
// file of src/broker/ (the library talks to Kafka through a client, so it must
// not pull the broker and its generated codecs in with it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const src = path.join(repoRoot, 'src');

interface Edge {
  to: string;
  /** `import type` / `export type`: erased, so loads nothing at run time. */
  typeOnly: boolean;
  /** `import('...')`: loaded on use, not with the importer. */
  dynamic: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Comments out, strings kept: a specifier in a comment is no import. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** A relative specifier as the file it names (`./x.js` is `./x.ts`; a folder is its index). */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined; // a package
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, `${base}.ts`, path.join(base, 'index.ts')];
  const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  if (!found) throw new Error(`${path.relative(repoRoot, from)}: cannot resolve "${specifier}"`);
  return found;
}

function edgesOf(file: string): Edge[] {
  const text = stripComments(fs.readFileSync(file, 'utf8'));
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic: boolean) => {
    const to = resolve(file, specifier);
    if (to && /\.(ts|tsx)$/.test(to)) edges.push({ to, typeOnly, dynamic });
  };
  // import x from '…', import { a, type b } from '…', export * from '…', export { a } from '…', import type …
  for (const m of text.matchAll(/\b(import|export)\s+(type\s+)?([^'";]*?)\bfrom\s*['"]([^'"]+)['"]/g)) add(m[4]!, Boolean(m[2]), false);
  for (const m of text.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) add(m[1]!, false, false);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1]!, false, true);
  return edges;
}

const graph = new Map<string, Edge[]>(sourceFiles(src).map((f) => [f, edgesOf(f)]));
const rel = (f: string) => path.relative(repoRoot, f);

/** Every cycle found by a depth-first walk over the edges `keep` accepts (each reported once, from its first file). */
function cycles(keep: (e: Edge) => boolean): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const e of graph.get(file) ?? []) {
      if (!keep(e)) continue;
      const s = state.get(e.to);
      if (s === 'open') found.push([...stack.slice(stack.indexOf(e.to)), e.to].map(rel));
      else if (s === undefined) visit(e.to);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

test('the import walker sees the imports it should', () => {
  // A sanity check of the walker itself, on edges known to exist.
  const index = path.join(src, 'stream', 'index.ts');
  const targets = (graph.get(index) ?? []).map((e) => rel(e.to));
  assert.ok(targets.includes(path.join('src', 'stream', 'app.ts')), targets.join(', '));
  const main = (graph.get(path.join(src, 'cli', 'main.ts')) ?? []).filter((e) => e.dynamic).map((e) => rel(e.to));
  assert.ok(main.includes(path.join('src', 'cli', 'commands', 'start.ts')), main.join(', '));
  assert.ok(graph.size > 100, `${graph.size} files under src/`);
});

// Both fail on this branch: the broker's handlers and Broker import each other,
// stream/app.ts and stream/asyncapi.ts too, http/server.ts and services/service.ts;
// and stream/index.ts re-exports createTestApp, which starts a broker.
test('no import cycle in src/ (static, dynamic and type imports alike)', () => {
  const found = cycles(() => true).map((c) => c.join(' → '));
  assert.equal(found.length, 0, `${found.length} cycle(s):\n${found.join('\n')}`);
});

test('the stream library entry (src/stream/index.ts, `tributary/stream`) loads no file of src/broker/', () => {
  // What loading the entry loads: its static imports, transitively; `import type` is erased.
  const loaded = new Set<string>();
  const walk = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const e of graph.get(file) ?? []) if (!e.typeOnly && !e.dynamic) walk(e.to);
  };
  walk(path.join(src, 'stream', 'index.ts'));
  const broker = [...loaded].filter((f) => f.startsWith(path.join(src, 'broker') + path.sep)).map(rel);
  // The way in: the first file outside src/broker/ that imports one inside.
  const doors = [...loaded].filter((f) => !broker.includes(rel(f))).flatMap((f) => (graph.get(f) ?? []).filter((e) => !e.typeOnly && !e.dynamic && broker.includes(rel(e.to))).map((e) => `${rel(f)} → ${rel(e.to)}`));
  assert.equal(broker.length, 0, `${broker.length} file(s) of src/broker/ loaded, through ${doors.join(', ')}`);
});
