// Kafka's offsets cleanup for the group coordinator: every
// offsets.retention.check.interval.ms, committed offsets expire by Kafka's rules
// per kind of group (see expired), and groups left with no member, no offset and
// no pending transactional offset are deleted (tombstoned in __consumer_offsets),
// so groups that clients abandon do not pile up.
import { ErrorCode } from '../protocol/error-codes.js';
import type { ConsumerGroups } from './consumer-groups.js';
import type { ClassicGroup } from './group.js';
import { GroupState } from './group-state.js';
import type { Membership } from './membership.js';
import type { OffsetStore } from './offset-store.js';
import type { Scheduler } from './scheduler.js';
import type { LogFn } from './types.js';

const EXPIRY_KEY = 'offsets-expiry';

/** What the cleanup reads and changes: the coordinator's own parts. */
export interface ExpiryParts {
  groups: Map<string, ClassicGroup>;
  consumer: ConsumerGroups;
  store: OffsetStore;
  scheduler: Scheduler;
  membership: Membership;
  log: LogFn;
  isClosed: () => boolean;
}

export class OffsetExpiry {
  constructor(
    private readonly d: ExpiryParts,
    /** offsets.retention.minutes, in ms. */
    private readonly retentionMs: number,
    /** offsets.retention.check.interval.ms. */
    private readonly checkIntervalMs: number,
  ) {}

  /** Runs the cleanup every offsets.retention.check.interval.ms until the coordinator closes. */
  schedule(): void {
    this.d.scheduler.schedule(EXPIRY_KEY, this.checkIntervalMs, () => {
      this.run()
        .catch((err) => this.d.log('warn', 'expiring offsets failed', { error: String(err) }))
        .finally(() => {
          if (!this.d.isClosed()) this.schedule();
        });
    });
  }

  /**
   * Kafka's offsets cleanup: drops the committed offsets that expired (see
   * expired), then deletes every group with no member and no offset
   * left (tombstoned, so a restart does not bring it back). Runs on its timer.
   */
  async run(): Promise<{ offsets: number; groups: string[] }> {
    const now = this.d.scheduler.now();
    let offsets = 0;
    const groups: string[] = [];
    for (const groupId of new Set([...this.d.groups.keys(), ...this.d.consumer.groups.keys()])) {
      if (this.d.isClosed()) break;
      const doomed = this.expired(groupId, now);
      if (doomed.length > 0) {
        await this.d.store.deleteOffsets(groupId, doomed);
        offsets += doomed.length;
      }
      if (await this.deleteIfAbandoned(groupId)) groups.push(groupId);
    }
    if (offsets > 0 || groups.length > 0) this.d.log('info', 'expired committed offsets and empty groups', { offsets, groups: groups.length });
    return { offsets, groups };
  }

  /**
   * Which offsets of a group have expired, by Kafka's rules (offsets with a
   * pending transactional commit never do):
   * - a consumer-protocol group: offsets of topics no member subscribes to, retention after their commit;
   * - an Empty classic group: all of them, retention after the group became Empty;
   * - a Stable classic group of the consumer protocol: offsets of topics no member subscribes to, retention after their commit;
   * - a group of no protocol (commits only): retention after their commit.
   */
  private expired(groupId: string, now: number): { topic: string; partition: number }[] {
    const consumerGroup = this.d.consumer.get(groupId);
    const group = this.d.groups.get(groupId);
    let since: ((commitTimestamp: number) => number) | undefined;
    let kept: (topic: string) => boolean = () => false;
    if (consumerGroup) {
      since = (commit) => commit;
      kept = (topic) => this.d.consumer.isSubscribed(consumerGroup, topic);
    } else if (group && !group.is(GroupState.Dead)) {
      if (group.protocolType !== null && group.is(GroupState.Empty)) since = () => group.fsm.stateTimestamp;
      else if (group.usesConsumerProtocol && group.is(GroupState.Stable)) {
        since = (commit) => commit;
        kept = (topic) => group.isSubscribedToTopic(topic);
      } else if (group.protocolType === null) since = (commit) => commit;
    }
    if (!since) return [];
    const out: { topic: string; partition: number }[] = [];
    for (const [topic, parts] of this.d.store.groupOffsets(groupId)) {
      if (kept(topic)) continue;
      for (const [partition, value] of parts) {
        if (this.d.store.hasPending(groupId, topic, partition)) continue;
        if (now - since(value.commitTimestamp) >= this.retentionMs) out.push({ topic, partition });
      }
    }
    return out;
  }

  /** Deletes a group with no member, no committed offset and no pending transactional offset. */
  private async deleteIfAbandoned(groupId: string): Promise<boolean> {
    if (this.d.store.hasOffsets(groupId) || this.d.store.pendingCount(groupId) > 0) return false;
    const consumerGroup = this.d.consumer.get(groupId);
    if (consumerGroup) {
      if (consumerGroup.members.size > 0) return false;
      this.d.consumer.drop(groupId);
    } else {
      const group = this.d.groups.get(groupId);
      if (!group || !group.is(GroupState.Empty) || group.size > 0) return false;
      group.transitionTo(GroupState.Dead, this.d.scheduler.now());
      this.d.membership.unload(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      this.d.groups.delete(groupId);
    }
    await this.d.store.deleteGroup(groupId);
    return true;
  }
}
