// Drives a GroupCoordinator directly, on a virtual clock (ManualScheduler)
// over a real TopicManager in a temp dir: deterministic, no network, no sleeps.
import fs from 'node:fs';
import { setImmediate as tick } from 'node:timers/promises';
import { TopicManager } from '../../../src/broker/topics/topic-manager.js';
import { GroupCoordinator, type GroupCoordinatorOptions } from '../../../src/broker/groups/coordinator.js';
import { ManualScheduler } from '../../../src/broker/groups/scheduler.js';
import { encodeAssignment, encodeSubscription } from '../../../src/broker/groups/consumer-protocol.js';
import type { JoinRequest, JoinResult, SyncRequest, SyncResult } from '../../../src/broker/groups/types.js';
import { tempDir } from '../../helpers/broker.js';

export const SESSION = 10_000;
export const REBALANCE = 30_000;
export const DELAY = 100;

export interface Harness {
  dir: string;
  topics: TopicManager;
  coord: GroupCoordinator;
  clock: ManualScheduler;
  /** Closes and reopens topics and coordinator on the same dir (a broker restart). */
  restart(options?: GroupCoordinatorOptions): Promise<void>;
  close(): Promise<void>;
}

export async function harness(options: GroupCoordinatorOptions = {}, dir = tempDir('tributary-groups-')): Promise<Harness> {
  const open = async (opts: GroupCoordinatorOptions) => {
    const topics = await TopicManager.open(dir, { flushPolicy: 'none' });
    if (!topics.get('t')) await topics.create('t', 6);
    if (!topics.get('u')) await topics.create('u', 2);
    const clock = new ManualScheduler();
    const coord = await GroupCoordinator.open(topics, {
      scheduler: clock,
      initialRebalanceDelayMs: DELAY,
      minSessionTimeoutMs: 1000,
      ...opts,
    });
    return { topics, coord, clock };
  };
  const h = { dir, ...(await open(options)) } as Harness;
  h.restart = async (opts = options) => {
    await h.coord.close();
    await h.topics.close();
    Object.assign(h, await open(opts));
  };
  h.close = async () => {
    await h.coord.close();
    await h.topics.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return h;
}

export function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription(['t']) }],
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    supportsSkipAssignment: false,
    ...over,
  };
}

export function syncReq(over: Partial<SyncRequest> & Pick<SyncRequest, 'memberId' | 'generationId'>): SyncRequest {
  return { groupId: 'g', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...over };
}

/** A promise whose outcome can be checked synchronously after `settle()`. */
export interface Tracked<T> {
  done: boolean;
  value: T | undefined;
  promise: Promise<T>;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { done: false, value: undefined, promise };
  void promise.then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

/** Lets every already-resolved promise deliver (one event-loop turn; not a timed wait). */
export async function settle(): Promise<void> {
  await tick();
}

/** Advances the virtual clock by the initial delay until the joins are answered (each newcomer extends the delay once). */
export async function completeInitialDelay(h: Harness, joins: Tracked<unknown>[]): Promise<void> {
  for (let i = 0; i <= joins.length && !joins.every((j) => j.done); i++) {
    h.clock.advance(DELAY);
    await settle();
  }
}

export function assignmentFor(partitions: number[], topic = 't'): Buffer {
  return encodeAssignment([{ topic, partitions }]);
}

/**
 * Brings group 'g' to Stable with `n` members joined in one initial
 * rebalance; the first is the leader. Returns member ids and the generation.
 */
export async function stableGroup(h: Harness, n: number, over: Partial<JoinRequest>[] = []): Promise<{ ids: string[]; generation: number; joins: JoinResult[]; syncs: SyncResult[] }> {
  const joins = Array.from({ length: n }, (_, i) => track(h.coord.joinGroup(joinReq({ clientId: `c${i}`, ...over[i] }))));
  await completeInitialDelay(h, joins);
  const results = joins.map((j) => {
    if (!j.done) throw new Error('join did not complete');
    return j.value!;
  });
  const ids = results.map((r) => r.memberId);
  const generation = results[0]!.generationId;
  const leader = results.find((r) => r.leader === r.memberId)!;
  const assignments = ids.map((memberId, i) => ({ memberId, assignment: assignmentFor([i]) }));
  const syncs = await Promise.all(
    ids.map((memberId) => h.coord.syncGroup(syncReq({ memberId, generationId: generation, assignments: memberId === leader.memberId ? assignments : [] }))),
  );
  return { ids, generation, joins: results, syncs };
}
