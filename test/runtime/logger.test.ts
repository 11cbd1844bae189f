// The start's log lines as a terminal shows them: time, level, logger name,
// message, then the other fields as key=value; a line that is not pino JSON as is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prettyLine } from '../../src/runtime/logger.js';

test('a pino line on a terminal: time, level, name, message, fields', () => {
  const json = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 12, 0, 1, 123), pid: 1, hostname: 'h', name: 'broker', msg: 'group stabilized', group: 'g1', members: 2, extra: { a: 1 } });
  assert.equal(prettyLine(json), '12:00:01.123 WARN  broker: group stabilized group=g1 members=2 extra={"a":1}\n');
  assert.equal(prettyLine('not json\n'), 'not json\n');
});
