// The README's table of supported APIs is what scripts/generate-api-table.ts
// makes from the broker's handlers: a handler added, removed or given other
// versions without regenerating the table fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './helpers/paths.js';

test('README.md: the table of supported APIs matches the handlers (scripts/generate-api-table.ts --check)', () => {
  const tsx = createRequire(path.join(repoRoot, 'package.json')).resolve('tsx');
  const res = spawnSync(process.execPath, ['--import', tsx, path.join(repoRoot, 'scripts', 'generate-api-table.ts'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /up to date/);
});
