// The README test's rules (test/helpers/readme-blocks.ts, output-shape.ts): what
// counts as the same shape, and how blocks and their markers are read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { outputMismatch } from './helpers/output-shape.js';
import { ReadmeMarkerError, shellBlocks } from './helpers/readme-blocks.js';

describe('output shape', () => {
  test('JSON lines: same keys and value types, not the same values', () => {
    assert.equal(outputMismatch(['{"state":0}'], ['{"state":7}']), null);
    assert.match(outputMismatch(['{"state":0}'], ['{"state":"7"}'])!, /\$\.state: string where the README shows number/);
    assert.match(outputMismatch(['{"state":0}'], ['{"state":0,"extra":1}'])!, /keys extra/);
    assert.match(outputMismatch(['{"state":0,"at":1}'], ['{"state":0}'])!, /\$\.at: missing/);
    assert.match(outputMismatch(['{"status":"ok"}'], ['not json'])!, /not JSON/);
  });

  test('arrays: as many elements unless `, …]`; `[…]` any array; `, …}` more keys', () => {
    assert.match(outputMismatch(['[{"id":"a"}]'], ['[{"id":"a"},{"id":"b"}]'])!, /2 element\(s\) where the README shows 1/);
    assert.equal(outputMismatch(['[{"id":"a"},…]'], ['[{"id":"a"},{"id":"b"},{"id":"c"}]']), null);
    assert.match(outputMismatch(['[{"id":"a"},…]'], ['[]'])!, /empty where the README shows elements/);
    assert.match(outputMismatch(['[{"id":"a"},…]'], ['[{"id":1}]'])!, /\$\[0\]\.id: number/);
    assert.equal(outputMismatch(['{"issues":[…]}'], ['{"issues":[1,"x",{}]}']), null);
    assert.equal(outputMismatch(['{"a":1, …}'], ['{"a":2,"b":3}']), null);
  });

  test('text lines: numbers for numbers, … for any text, a line … for any lines', () => {
    assert.equal(outputMismatch(['acknowledged  1000 in 0.27 s: 3704 baskets/s'], ['acknowledged 500 in 8.15 s: 61 baskets/s']), null);
    assert.match(outputMismatch(['lost          none'], ['lost          3 baskets'])!, /does not read like/);
    assert.equal(outputMismatch(['key: /…'], ['key: /state']), null);
    assert.equal(outputMismatch(['…', 'OK'], ['progress 1', 'progress 2', 'OK']), null);
    assert.equal(outputMismatch(['…', 'OK'], ['OK']), null);
    assert.match(outputMismatch(['…', 'OK'], ['progress 1', 'FAILED'])!, /nothing printed reads like "OK"/);
    assert.match(outputMismatch(['a'], ['a', 'b'])!, /1 more line\(s\)/);
    assert.match(outputMismatch(['a', 'b'], ['a'])!, /nothing printed reads like "b"/);
  });
});

describe('README blocks', () => {
  const md = [
    'text',
    '<!-- readme-test: skip (needs Docker) -->',
    '```sh',
    'docker compose up',
    '```',
    '```console',
    '$ curl -X POST localhost:8000/data \\',
    "  -d '{}'",
    '{"status":"ok"}',
    '$ npx tributary topics list',
    'TOPIC  PARTITIONS',
    '',
    '```',
    '```ts',
    'const x = 1;',
    '```',
  ].join('\n');

  test('shell blocks with their markers, console commands with their output', () => {
    const blocks = shellBlocks('X.md', md);
    assert.equal(blocks.length, 2);
    assert.deepEqual(blocks[0]!.mode, { kind: 'skip', reason: 'needs Docker' });
    assert.equal(blocks[0]!.line, 3);
    assert.deepEqual(blocks[1]!.mode, { kind: 'run' });
    assert.deepEqual(blocks[1]!.commands, [
      { text: "curl -X POST localhost:8000/data \\\n  -d '{}'", expected: ['{"status":"ok"}'] },
      { text: 'npx tributary topics list', expected: ['TOPIC  PARTITIONS'] },
    ]);
  });

  test('a skip marker without a reason, or a marker it cannot read, is an error', () => {
    assert.throws(() => shellBlocks('X.md', '<!-- readme-test: skip -->\n```sh\nls\n```\n'), ReadmeMarkerError);
    assert.throws(() => shellBlocks('X.md', '<!-- readme-test: skipp (x) -->\n```sh\nls\n```\n'), ReadmeMarkerError);
  });
});
