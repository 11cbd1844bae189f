// The consumer group protocol's server-side assignors, as properties over
// random groups: every partition of a subscribed topic goes to exactly one
// subscriber; uniform balances within one when subscriptions are the same
// (range within one per topic), and uniform keeps what members already have
// when the group does not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rangeAssignor, uniformAssignor, type Assignor, type TopicAssignment } from '../../../src/broker/groups/assignors.js';

const topicsArb = fc.dictionary(fc.stringMatching(/^t[a-d]$/), fc.integer({ min: 0, max: 12 }), { minKeys: 1, maxKeys: 4 });
const memberIdsArb = fc.uniqueArray(fc.stringMatching(/^m[0-9a-f]{1,3}$/), { minLength: 1, maxLength: 7 });

function owners(result: Map<string, TopicAssignment>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [member, a] of result) for (const [t, parts] of a) for (const p of parts) out.set(`${t}/${p}`, [...(out.get(`${t}/${p}`) ?? []), member]);
  return out;
}

const count = (a: TopicAssignment | undefined, topic?: string) => [...(a ?? [])].filter(([t]) => topic === undefined || t === topic).reduce((n, [, p]) => n + p.length, 0);

for (const assignor of [uniformAssignor, rangeAssignor] as Assignor[]) {
  test(`${assignor.name}: every subscribed partition is assigned exactly once, to a subscriber`, () => {
    fc.assert(fc.property(topicsArb, memberIdsArb, fc.infiniteStream(fc.boolean()), (topics, ids, picks) => {
      const names = Object.keys(topics);
      const members = ids.map((memberId) => ({ memberId, topics: names.filter(() => picks.next().value) }));
      const counts = new Map(Object.entries(topics));
      const result = assignor.assign(members, counts);
      const own = owners(result);
      for (const [t, n] of counts) {
        const subscribed = members.some((m) => m.topics.includes(t));
        for (let p = 0; p < n; p++) {
          const who = own.get(`${t}/${p}`) ?? [];
          assert.equal(who.length, subscribed ? 1 : 0, `${t}/${p} owners ${who}`);
          if (subscribed) assert.ok(members.find((m) => m.memberId === who[0])!.topics.includes(t));
        }
      }
      assert.equal(own.size, [...counts].filter(([t]) => members.some((m) => m.topics.includes(t))).reduce((n, [, c]) => n + c, 0));
    }));
  });
}

test('uniform: with the same subscriptions, members differ by at most one partition, also from a random previous assignment', () => {
  fc.assert(fc.property(topicsArb, memberIdsArb, fc.infiniteStream(fc.nat()), (topics, ids, rnd) => {
    const names = Object.keys(topics);
    const counts = new Map(Object.entries(topics));
    // A random (possibly overlapping, out-of-range) previous target as the sticky input.
    const members = ids.map((memberId) => {
      const current: TopicAssignment = new Map(names.map((t) => [t, Array.from({ length: rnd.next().value % 4 }, () => rnd.next().value % 14)]));
      return { memberId, topics: names, current };
    });
    const result = uniformAssignor.assign(members, counts);
    const sizes = ids.map((id) => count(result.get(id)));
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
  }));
});

test('uniform: an unchanged group keeps its assignment; a new member takes only its share', () => {
  fc.assert(fc.property(topicsArb, memberIdsArb, (topics, ids) => {
    const names = Object.keys(topics);
    const counts = new Map(Object.entries(topics));
    const first = uniformAssignor.assign(ids.map((memberId) => ({ memberId, topics: names })), counts);
    const again = uniformAssignor.assign(ids.map((memberId) => ({ memberId, topics: names, current: first.get(memberId) })), counts);
    assert.deepEqual(again, first);
    const joined = uniformAssignor.assign([...ids.map((memberId) => ({ memberId, topics: names, current: first.get(memberId) })), { memberId: 'zz-new', topics: names }], counts);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    let moved = 0;
    for (const id of ids) for (const [t, parts] of first.get(id)!) moved += parts.filter((p) => !joined.get(id)!.get(t)?.includes(p)).length;
    assert.ok(moved <= Math.ceil(total / (ids.length + 1)), `moved ${moved} of ${total}`);
  }));
});

test('range: with the same subscriptions, each topic splits within one, in contiguous ranges by member id', () => {
  fc.assert(fc.property(topicsArb, memberIdsArb, (topics, ids) => {
    const names = Object.keys(topics);
    const counts = new Map(Object.entries(topics));
    const result = rangeAssignor.assign(ids.map((memberId) => ({ memberId, topics: names })), counts);
    for (const t of names) {
      const sizes = ids.map((id) => count(result.get(id), t));
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${t} sizes ${sizes}`);
      const ordered = [...ids].sort().flatMap((id) => result.get(id)!.get(t) ?? []);
      assert.deepEqual(ordered, Array.from({ length: counts.get(t)! }, (_, p) => p));
    }
  }));
});

test('group.consumer.* settings read under their Kafka names; unknown assignors are refused', async () => {
  const { brokerOptionsFromConfigs } = await import('../../../src/broker/config-names.js');
  const { resolveConfig } = await import('../../../src/broker/config.js');
  const opts = brokerOptionsFromConfigs(['group.consumer.assignors=range, uniform', 'group.consumer.heartbeat.interval.ms=100', 'group.consumer.session.timeout.ms=9000']);
  assert.deepEqual(opts, { groupConsumerAssignors: ['range', 'uniform'], groupConsumerHeartbeatIntervalMs: 100, groupConsumerSessionTimeoutMs: 9000 });
  assert.deepEqual(resolveConfig({}).groupConsumerAssignors, ['uniform', 'range']);
  assert.throws(() => resolveConfig({ groupConsumerAssignors: ['sticky'] }), /unknown assignor "sticky"/);
});
