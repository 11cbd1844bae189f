// Durable committed offsets: the internal `__consumer_offsets` topic is the
// source of truth, an in-memory map the index. Every change (commit,
// tombstone, group metadata, pending transactional offset, transaction
// outcome) is appended as a record (layouts in offset-records.ts) and applied
// to the map in the same synchronous step, so the map always matches the log
// order; the caller awaits `log.flush()` before answering its client (another
// client may see a commit a moment before it is acknowledged). On start the
// topic is created if missing and replayed from its log start.
//
// The topic is declared cleanup.policy=compact, but the log does not compact
// (and applies retention whatever the policy), so retention is switched off
// for it and this store compacts by itself: once the log holds many more
// records than live entries it rolls a segment, re-appends every live entry,
// flushes, and moves the log start to that snapshot, which deletes the old
// segments. Replay then reads the snapshot plus whatever followed it.
import type { TopicManager } from '../topics/topic-manager.js';
import type { Partition } from '../topics/partition.js';
import { buildBatch, decodeRecords, parseBatches, readBatchHeader, type RecordInput } from '../records/index.js';
import {
  OFFSETS_TOPIC,
  decodeOffsetsRecord,
  groupKey,
  groupValue,
  offsetKey,
  offsetValue,
  partitionForGroup,
  pendingKey,
  txnOutcomeKey,
  txnOutcomeValue,
  type GroupValue,
  type OffsetValue,
} from './offset-records.js';

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface OffsetWrite extends TopicPartitionRef {
  value: OffsetValue;
}

interface PendingEntry extends OffsetWrite {
  group: string;
  producerEpoch: number;
  /** The __consumer_offsets partition the pending record went to. */
  logPartition: number;
}

export interface OffsetStoreOptions {
  /** Partitions to create `__consumer_offsets` with (an existing topic keeps its own count). Default 1. */
  partitions?: number;
  /** Compact once the log holds this many records and more than twice the live entries. Default 50,000. */
  compactMinRecords?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/** Configs of the internal topic: compacted, never deleted by retention, Kafka's 100 MiB segments. */
export const OFFSETS_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'retention.ms': '-1',
  'retention.bytes': '-1',
  'segment.bytes': String(100 * 1024 * 1024),
};

/** Records per appended batch, to stay well under max.message.bytes. */
const MAX_RECORDS_PER_BATCH = 2000;
const READ_CHUNK = 1024 * 1024;

const tpKey = (group: string, topic: string, partition: number) => `${group}\u0000${topic}\u0000${partition}`;

export class OffsetStore {
  /** group → topic → partition → committed offset. */
  private readonly offsets = new Map<string, Map<string, Map<number, OffsetValue>>>();
  private readonly groupMeta = new Map<string, GroupValue>();
  /** producerId → (group/topic/partition key → pending offset). */
  private readonly pending = new Map<number, Map<string, PendingEntry>>();
  /** group/topic/partition key → producers holding a pending offset for it. */
  private readonly pendingIndex = new Map<string, Set<number>>();
  /** Appended but not yet announced through Partition.notifyAppend, per partition. */
  private readonly unannounced: { records: number; bytes: number }[];
  /** Per partition: the log size (in records) at which compaction is considered next. */
  private readonly nextCompactCheck: number[];
  private compacting: Promise<void> | null = null;
  private closed = false;
  private readonly compactMinRecords: number;
  private readonly log: NonNullable<OffsetStoreOptions['log']>;

  private constructor(
    private readonly partitions: Partition[],
    options: OffsetStoreOptions,
  ) {
    this.unannounced = partitions.map(() => ({ records: 0, bytes: 0 }));
    this.nextCompactCheck = partitions.map(() => 0);
    this.compactMinRecords = options.compactMinRecords ?? 50_000;
    this.log = options.log ?? (() => {});
  }

  /** Creates `__consumer_offsets` if missing and replays it. */
  static async open(topics: TopicManager, options: OffsetStoreOptions = {}): Promise<OffsetStore> {
    const topic = topics.get(OFFSETS_TOPIC) ?? (await topics.create(OFFSETS_TOPIC, options.partitions ?? 1, { ...OFFSETS_TOPIC_CONFIGS }));
    const store = new OffsetStore(topic.partitions, options);
    for (const p of topic.partitions) store.replay(p);
    return store;
  }

  // ---- Reads ----

  get(group: string, topic: string, partition: number): OffsetValue | undefined {
    return this.offsets.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed offset of a group, topic by topic. */
  groupOffsets(group: string): Map<string, Map<number, OffsetValue>> {
    return this.offsets.get(group) ?? new Map();
  }

  hasOffsets(group: string): boolean {
    return (this.offsets.get(group)?.size ?? 0) > 0;
  }

  groupMetadata(group: string): GroupValue | undefined {
    return this.groupMeta.get(group);
  }

  /** Groups known from the log (offsets, metadata or pending transactional offsets). */
  knownGroups(): Set<string> {
    const out = new Set([...this.offsets.keys(), ...this.groupMeta.keys()]);
    for (const entries of this.pending.values()) for (const e of entries.values()) out.add(e.group);
    return out;
  }

  hasPending(group: string, topic: string, partition: number): boolean {
    return (this.pendingIndex.get(tpKey(group, topic, partition))?.size ?? 0) > 0;
  }

  /** Pending transactional offsets of a group (for metrics). */
  pendingCount(group: string): number {
    let n = 0;
    for (const entries of this.pending.values()) for (const e of entries.values()) if (e.group === group) n++;
    return n;
  }

  /** Number of live entries (offsets, group records, pending offsets). */
  get liveEntries(): number {
    let n = this.groupMeta.size;
    for (const topics of this.offsets.values()) for (const parts of topics.values()) n += parts.size;
    for (const entries of this.pending.values()) n += entries.size;
    return n;
  }

  // ---- Writes: append + apply synchronously, then flush ----

  async commit(group: string, writes: OffsetWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const p = this.partitionIndexFor(group);
    this.append(p, writes.map((w) => ({ key: offsetKey(group, w.topic, w.partition), value: offsetValue(w.value) })));
    for (const w of writes) this.setOffset(group, w.topic, w.partition, w.value);
    await this.afterWrite(p);
  }

  /** Tombstones for these partitions' committed offsets (and their pending transactional ones). */
  async deleteOffsets(group: string, tps: TopicPartitionRef[]): Promise<void> {
    const doomed = tps.filter((tp) => this.get(group, tp.topic, tp.partition) !== undefined || this.hasPending(group, tp.topic, tp.partition));
    if (doomed.length === 0) return;
    const p = this.partitionIndexFor(group);
    this.append(p, doomed.map((tp) => ({ key: offsetKey(group, tp.topic, tp.partition), value: null })));
    for (const tp of doomed) {
      this.deleteOffset(group, tp.topic, tp.partition);
      this.dropPendingFor(group, tp.topic, tp.partition);
    }
    await this.afterWrite(p);
  }

  /** DeleteGroups: tombstones for every offset and the group record. */
  async deleteGroup(group: string): Promise<void> {
    const p = this.partitionIndexFor(group);
    const records: RecordInput[] = [];
    for (const [topic, parts] of this.groupOffsets(group)) {
      for (const partition of parts.keys()) records.push({ key: offsetKey(group, topic, partition), value: null });
    }
    records.push({ key: groupKey(group), value: null });
    this.append(p, records);
    // As replaying these tombstones will: pending transactional offsets of those partitions go too.
    for (const [topic, parts] of this.groupOffsets(group)) for (const partition of parts.keys()) this.dropPendingFor(group, topic, partition);
    this.offsets.delete(group);
    this.groupMeta.delete(group);
    await this.afterWrite(p);
  }

  /** Records a group's generation and protocol type (kept so they survive a restart). */
  async storeGroupMetadata(group: string, value: GroupValue): Promise<void> {
    const p = this.partitionIndexFor(group);
    this.append(p, [{ key: groupKey(group), value: groupValue(value) }]);
    this.groupMeta.set(group, value);
    await this.afterWrite(p);
  }

  /** TxnOffsetCommit: durable but invisible until completeTxn(producerId, true). */
  async prepareTxn(group: string, producerId: number, producerEpoch: number, writes: OffsetWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const p = this.partitionIndexFor(group);
    this.append(p, writes.map((w) => ({ key: pendingKey(producerId, producerEpoch, group, w.topic, w.partition), value: offsetValue(w.value) })));
    for (const w of writes) this.addPending({ ...w, group, producerEpoch, logPartition: p }, producerId);
    await this.afterWrite(p);
  }

  /** Ends a transaction: its pending offsets become committed (commit) or vanish (abort). */
  async completeTxn(producerId: number, commit: boolean): Promise<void> {
    const entries = this.pending.get(producerId);
    if (!entries) return;
    const partitions = new Set([...entries.values()].map((e) => e.logPartition));
    for (const p of partitions) this.append(p, [{ key: txnOutcomeKey(producerId), value: txnOutcomeValue(commit) }]);
    this.applyOutcome(producerId, commit, null);
    await Promise.all([...partitions].map((p) => this.afterWrite(p)));
  }

  /** Waits for a running compaction; later writes fail as the logs close. */
  async close(): Promise<void> {
    this.closed = true;
    await this.compacting?.catch(() => {});
  }

  // ---- Internals ----

  private partitionIndexFor(group: string): number {
    return partitionForGroup(group, this.partitions.length);
  }

  /**
   * Appends records as uncompressed batches (synchronous: offsets are
   * assigned here, in call order). Fetch waiters are woken by afterWrite,
   * once the maps reflect the records too.
   */
  private append(p: number, records: RecordInput[]): void {
    const partition = this.partitions[p]!;
    const now = Date.now();
    for (let i = 0; i < records.length; i += MAX_RECORDS_PER_BATCH) {
      const chunk = records.slice(i, i + MAX_RECORDS_PER_BATCH);
      const batch = buildBatch({ records: chunk, baseTimestamp: now });
      partition.log.append(batch, parseBatches(batch));
      this.unannounced[p]!.records += chunk.length;
      this.unannounced[p]!.bytes += batch.length;
    }
  }

  /** Wakes waiters on the partition (fetches of __consumer_offsets, tests), then flushes. */
  private async afterWrite(p: number): Promise<void> {
    this.announce(p);
    await this.partitions[p]!.log.flush();
    this.maybeCompact(p);
  }

  private announce(p: number): void {
    const pending = this.unannounced[p]!;
    if (pending.records === 0) return;
    const { records, bytes } = pending;
    pending.records = 0;
    pending.bytes = 0;
    this.partitions[p]!.notifyAppend(records, bytes);
  }

  private setOffset(group: string, topic: string, partition: number, value: OffsetValue): void {
    let topics = this.offsets.get(group);
    if (!topics) this.offsets.set(group, (topics = new Map()));
    let parts = topics.get(topic);
    if (!parts) topics.set(topic, (parts = new Map()));
    parts.set(partition, value);
  }

  private deleteOffset(group: string, topic: string, partition: number): void {
    const topics = this.offsets.get(group);
    const parts = topics?.get(topic);
    if (!topics || !parts) return;
    parts.delete(partition);
    if (parts.size === 0) topics.delete(topic);
    if (topics.size === 0) this.offsets.delete(group);
  }

  private addPending(entry: PendingEntry, producerId: number): void {
    let entries = this.pending.get(producerId);
    if (!entries) this.pending.set(producerId, (entries = new Map()));
    const key = tpKey(entry.group, entry.topic, entry.partition);
    entries.set(key, entry);
    let producers = this.pendingIndex.get(key);
    if (!producers) this.pendingIndex.set(key, (producers = new Set()));
    producers.add(producerId);
  }

  private dropPendingFor(group: string, topic: string, partition: number): void {
    const key = tpKey(group, topic, partition);
    for (const producerId of this.pendingIndex.get(key) ?? []) {
      const entries = this.pending.get(producerId);
      entries?.delete(key);
      if (entries?.size === 0) this.pending.delete(producerId);
    }
    this.pendingIndex.delete(key);
  }

  /** Applies a transaction outcome to the producer's pending offsets (those in `logPartition` only, on replay). */
  private applyOutcome(producerId: number, commit: boolean, logPartition: number | null): void {
    const entries = this.pending.get(producerId);
    if (!entries) return;
    for (const [key, e] of entries) {
      if (logPartition !== null && e.logPartition !== logPartition) continue;
      if (commit) this.setOffset(e.group, e.topic, e.partition, e.value);
      entries.delete(key);
      const producers = this.pendingIndex.get(key);
      producers?.delete(producerId);
      if (producers?.size === 0) this.pendingIndex.delete(key);
    }
    if (entries.size === 0) this.pending.delete(producerId);
  }

  /** Rebuilds the maps from one partition of the topic, from its log start. */
  private replay(partition: Partition): void {
    const log = partition.log;
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const { records } = log.read(offset, READ_CHUNK);
      if (records.length === 0) break;
      let pos = 0;
      while (pos < records.length) {
        const info = readBatchHeader(records, pos);
        if (pos + info.size > records.length) break;
        if (!info.isControl) {
          for (const rec of decodeRecords(records, pos)) {
            if (rec.offset < offset || rec.key === null) continue;
            try {
              this.replayRecord(rec.key, rec.value, partition.index);
            } catch (err) {
              this.log('warn', 'skipping an unreadable __consumer_offsets record', { partition: partition.index, offset: rec.offset, error: String(err) });
            }
          }
        }
        offset = Math.max(offset, info.baseOffset + info.lastOffsetDelta + 1);
        pos += info.size;
      }
    }
  }

  private replayRecord(key: Buffer, value: Buffer | null, logPartition: number): void {
    const rec = decodeOffsetsRecord(key, value);
    if (!rec) return;
    switch (rec.type) {
      case 'offset':
        if (rec.value) this.setOffset(rec.group, rec.topic, rec.partition, rec.value);
        else {
          this.deleteOffset(rec.group, rec.topic, rec.partition);
          this.dropPendingFor(rec.group, rec.topic, rec.partition);
        }
        break;
      case 'group':
        if (rec.value) this.groupMeta.set(rec.group, rec.value);
        else this.groupMeta.delete(rec.group);
        break;
      case 'pending':
        this.addPending({ group: rec.group, topic: rec.topic, partition: rec.partition, value: rec.value, producerEpoch: rec.producerEpoch, logPartition }, rec.producerId);
        break;
      case 'txn-outcome':
        this.applyOutcome(rec.producerId, rec.commit, logPartition);
        break;
    }
  }

  /** Snapshot compaction (see the top comment); one at a time, never after close. */
  private maybeCompact(p: number): void {
    if (this.compacting || this.closed) return;
    const log = this.partitions[p]!.log;
    const records = log.logEndOffset - log.logStartOffset;
    if (records < Math.max(this.compactMinRecords, this.nextCompactCheck[p]!)) return;
    // Counting live entries walks the maps: do it again only once the log could have doubled them.
    const live = this.liveEntries;
    if (records <= 2 * live) {
      this.nextCompactCheck[p] = 2 * live + 1;
      return;
    }
    const snapshot = this.snapshotRecords(p);
    log.roll();
    const base = log.logEndOffset;
    if (snapshot.length > 0) this.append(p, snapshot);
    this.announce(p);
    this.compacting = (async () => {
      try {
        await log.flush();
        if (!this.closed) log.deleteRecordsBefore(base);
        this.log('info', 'compacted __consumer_offsets', { partition: p, before: records, after: log.logEndOffset - log.logStartOffset });
      } catch (err) {
        this.log('warn', '__consumer_offsets compaction failed', { partition: p, error: String(err) });
      } finally {
        this.compacting = null;
      }
    })();
  }

  /** Every live entry that belongs in partition p, as records. */
  private snapshotRecords(p: number): RecordInput[] {
    const out: RecordInput[] = [];
    for (const [group, value] of this.groupMeta) {
      if (this.partitionIndexFor(group) === p) out.push({ key: groupKey(group), value: groupValue(value) });
    }
    for (const [group, topics] of this.offsets) {
      if (this.partitionIndexFor(group) !== p) continue;
      for (const [topic, parts] of topics) {
        for (const [partition, value] of parts) out.push({ key: offsetKey(group, topic, partition), value: offsetValue(value) });
      }
    }
    for (const [producerId, entries] of this.pending) {
      for (const e of entries.values()) {
        if (e.logPartition === p) out.push({ key: pendingKey(producerId, e.producerEpoch, e.group, e.topic, e.partition), value: offsetValue(e.value) });
      }
    }
    return out;
  }
}
