// What importing the stream library loads: the public entry (`tributary/stream`,
// src/stream/index.ts) must not load the embedded broker; only its test helpers
// (`tributary/stream/testing`) start one. A child process imports the entry with
// a module-load hook that lists every file it loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nodeModule } from '../helpers/paths.js';

// The tree this file runs in (the sources, or the compiled test tree) and its file extension.
const root = path.resolve(import.meta.dirname, '../..');
const ext = path.extname(fileURLToPath(import.meta.url));

function loadedBy(file: string): string[] {
  const { script: entry, execArgv } = nodeModule(file, import.meta.url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-loads-'));
  const list = path.join(dir, 'loaded.txt');
  try {
    const hook = pathToFileURL(path.join(import.meta.dirname, 'fixtures/record-loads.mjs')).href;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(hook)});`;
    const r = spawnSync(
      process.execPath,
      [...execArgv, '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(entry).href)})`],
      { cwd: root, env: { ...process.env, RECORD_LOADS: list }, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    return fs
      .readFileSync(list, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((u) => path.relative(root, fileURLToPath(u)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('importing tributary/stream loads no file of src/broker/', () => {
  const loaded = loadedBy('../../src/stream/index.ts');
  assert.ok(loaded.includes(path.join('src', 'stream', `agent${ext}`)), `the hook saw the library load: ${loaded.join(', ')}`);
  const broker = loaded.filter((f) => f.startsWith(path.join('src', 'broker') + path.sep));
  assert.deepEqual(broker, []);
  console.log(`src/stream/index.ts loads ${loaded.filter((f) => f.startsWith('src')).length} files of src/, none of src/broker/`);
});
