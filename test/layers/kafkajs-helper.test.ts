// Test code takes kafkajs through test/helpers/kafkajs.ts, which fixes its
// request queue's timer (a 1 ms spin per connection otherwise): a file that
// imports a value of kafkajs itself also imports the helper, so the fix is in
// place in every process that makes a kafkajs client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const tests = path.join(repoRoot, 'test');
const HELPER = path.join('helpers', 'kafkajs.ts');

/** The import clauses of `from 'kafkajs'` that load something (not `import type`, not only `type` names). */
function valueImports(text: string): string[] {
  const clauses = [...text.matchAll(/^import\s+([^;]+?)\s+from\s+'kafkajs';/gm)].map((m) => m[1]!);
  return clauses.filter((c) => !c.startsWith('type ') && !/^\{(\s*type\s+\w+\s*,?)+\}$/.test(c));
}

test('every test file that imports a kafkajs value imports test/helpers/kafkajs.ts too', () => {
  const files = fs.readdirSync(tests, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && f !== HELPER);
  const missing: string[] = [];
  let users = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(tests, file), 'utf8');
    if (valueImports(text).length === 0) continue;
    users++;
    if (!/from\s+'(?:\.\.?\/)+(?:helpers\/)?kafkajs\.js'/.test(text)) missing.push(file);
  }
  assert.ok(users > 0, 'some test file imports a kafkajs value');
  assert.deepEqual(missing, []);
});

test('the check sees value imports and lets type-only ones through', () => {
  assert.deepEqual(valueImports("import { Kafka, type Admin } from 'kafkajs';"), ['{ Kafka, type Admin }']);
  assert.deepEqual(valueImports("import kafkajs, { type Admin } from 'kafkajs';"), ['kafkajs, { type Admin }']);
  assert.deepEqual(valueImports("import type { Admin } from 'kafkajs';\nimport { type Kafka, type Producer } from 'kafkajs';"), []);
});
