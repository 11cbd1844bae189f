// `tributary groups list|describe` against a running group: a `tributary
// consume --group --follow` child process is the member; list shows the group
// stable with its protocol, describe shows the member's assignment and the lag,
// which drops to 0 once it has printed and committed, and grows again after
// it left and more records arrived.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { waitFor } from '../../src/stream/wait.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
});

after(async () => {
  await broker.destroy();
});

/** Runs `tributary <args>` with KAFKA_BROKERS pointing at the test broker. */
function cli(args: string[], input?: string) {
  return runCli(args, { env: { KAFKA_BROKERS: broker.address }, input });
}

/** `groups describe --json` once `ok` holds, re-run every 100 ms (the group lives in the broker; the CLI is how we look). */
function describeUntil(group: string, ok: (g: any) => boolean, what: string): Promise<any> {
  let last: unknown;
  return waitFor(
    async () => {
      const r = await cli(['groups', 'describe', group, '--json']);
      last = r.code === 0 ? JSON.parse(r.stdout) : r.stderr;
      return r.code === 0 && ok(last) ? last : undefined;
    },
    { what: () => `group ${group}: ${what}; last: ${JSON.stringify(last)}`, interval: 100 },
  );
}

test('a running consumer group: members, assignment, lag to 0, then lag after it left', async () => {
  assert.equal((await cli(['topics', 'create', 'cli-live', '--partitions', '2'])).code, 0);
  const member = spawnCli(['consume', 'cli-live', '--group', 'cli-live-g', '--follow', '--from-beginning', '--json'], { env: { KAFKA_BROKERS: broker.address } });
  let code: number | null;
  try {
    const joined = await describeUntil('cli-live-g', (g) => g.state === 'STABLE' && g.members.length === 1, 'stable with one member');
    const [m] = joined.members;
    assert.deepEqual(m.assignment, [{ topic: 'cli-live', partitions: [0, 1] }]);
    assert.match(m.clientId, /tributary-cli/);

    const listed = await cli(['groups', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^GROUP\s+STATE\s+TYPE\s+PROTOCOL\s+MEMBERS$/m);
    assert.match(listed.stdout, /^cli-live-g\s+STABLE\s+consumer\s+\S+\s+1$/m);
    // The throwaway groups of plain `consume` runs are hidden unless --all.
    assert.doesNotMatch(listed.stdout, /tributary-consume-/);

    const lines = Array.from({ length: 20 }, (_, i) => `k${i % 4}:v${i}`).join('\n');
    assert.equal((await cli(['produce', 'cli-live', '-K', ':'], lines)).code, 0);
    const caughtUp = await describeUntil('cli-live-g', (g) => g.partitions.length === 2 && g.totalLag === 0 && g.partitions.every((p: any) => p.committed === p.end) && g.partitions.reduce((n: number, p: any) => n + p.end, 0) === 20, 'the 20 records committed');
    for (const p of caughtUp.partitions) assert.equal(p.member, m.id);
    assert.equal(member.stdout().trim().split('\n').length, 20);

    const text = await cli(['groups', 'describe', 'cli-live-g']);
    assert.match(text.stdout, /^MEMBER\s+CLIENT\s+HOST\s+ASSIGNMENT$/m);
    assert.match(text.stdout, /cli-live:0,1/);
    assert.match(text.stdout, /^TOPIC\s+PARTITION\s+COMMITTED\s+END\s+LAG\s+MEMBER$/m);
    assert.match(text.stdout, /^total lag: 0$/m);
  } finally {
    code = await member.stop('SIGINT');
  }
  assert.equal(code, 0, member.stderr());

  // Gone from the group; new records are lag.
  assert.equal((await cli(['produce', 'cli-live', '--key', 'k1'], 'x\ny\nz\n')).code, 0);
  const left = await describeUntil('cli-live-g', (g) => g.members.length === 0, 'the member gone');
  assert.equal(left.state, 'EMPTY');
  assert.equal(left.totalLag, 3);
});

test('describing a group that does not exist exits 1', async () => {
  const r = await cli(['groups', 'describe', 'cli-no-such-group']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /does not exist/);
});
