// The transaction coordinator: producer ids, the state of every transactional
// id (txn-state.ts), its durable log (transaction-log.ts), and what happens
// when a transaction ends: markers in every partition it touched, the group
// coordinator told about its offsets, then the Complete record.
//
// Ordering that makes a decision stick across crashes:
//   Prepare{Commit,Abort} durable → EndTxn answered → markers appended (and
//   flushed under the 'ack' policy) → group offsets completed → Complete durable.
// On open, Prepare* transactions are completed (markers only where the
// partition still has the transaction open), Ongoing ones keep running (their
// timeout aborts them if the producer is gone), and a transaction left open in
// a partition that no coordinator transaction accounts for (a marker lost
// with an unsynced log) is closed: committed if its producer's last
// transaction committed, else aborted.
//
// A periodic check (transactionAbortCheckIntervalMs) aborts transactions past
// their timeout, bumping the epoch so the old producer is fenced; retries
// completions that failed; expires idle transactional ids and producer state.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { ErrorCode } from '../protocol/error-codes.js';
import { KafkaError } from '../errors.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { Partition } from '../topics/partition.js';
import { ProducerIdManager } from './producer-ids.js';
import { TransactionLog } from './transaction-log.js';
import { TxnMetadata, TxnState, parsePartitionKey, partitionKey, type Transit, type TxnRecord, type TxnStateName } from './txn-state.js';

export type { PartitionTxnInfo, TransactionInfo } from './txn-info.js';
import { writeMarker } from './markers.js';
import { info, type PartitionTxnInfo, type TransactionInfo } from './txn-info.js';
import { OFFSETS_TOPIC, partitionForGroup } from '../groups/offset-records.js';

/** What the group coordinator offers for offsets committed inside transactions. */
export interface TxnOffsetsParticipant {
  completeTxnOffsets(producerId: number, commit: boolean): Promise<unknown> | unknown;
}

export interface TransactionCoordinatorOptions {
  /** Where producer ids and transaction state live. */
  dir: string;
  topics: TopicManager;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  abortCheckIntervalMs: number;
  transactionalIdExpirationMs: number;
  producerIdExpirationMs: number;
  /** fsync transaction state before answering (the broker's 'ack' flush policy). */
  sync: boolean;
  /** The group coordinator, which completes the transactional offset commits. */
  groups?: TxnOffsetsParticipant;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  now?: () => number;
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
  message?: string;
}

export interface TransitionEvent {
  transactionalId: string;
  state: TxnStateName;
  producerId: number;
  producerEpoch: number;
}

export class TransactionCoordinator extends EventEmitter<{ transition: [TransitionEvent] }> {
  private readonly txns = new Map<string, TxnMetadata>();
  /** Transactional metadata by current producer id (produce-path verification). */
  private readonly byProducerId = new Map<number, TxnMetadata>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** TxnOffsetCommit writes in flight, by transactional id. */
  private readonly offsetWrites = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private stopWatchingOpens: (() => void) | undefined;
  private closed = false;
  private readonly now: () => number;

  private constructor(
    private readonly opts: TransactionCoordinatorOptions,
    private readonly ids: ProducerIdManager,
    private readonly log: TransactionLog,
  ) {
    super();
    this.now = opts.now ?? Date.now;
  }

  /** Loads the state, finishes what a crash interrupted, and starts the timeout check. */
  static async open(opts: TransactionCoordinatorOptions): Promise<TransactionCoordinator> {
    const ids = ProducerIdManager.open(opts.dir);
    const warn = (msg: string) => opts.log?.('warn', msg);
    const log = TransactionLog.open(opts.dir, { sync: opts.sync, warn });
    const tc = new TransactionCoordinator(opts, ids, log);
    for (const r of log.records()) tc.index(TxnMetadata.fromRecord(r));
    for (const meta of tc.txns.values()) {
      if (meta.state === TxnState.PrepareCommit || meta.state === TxnState.PrepareAbort) {
        await tc.complete(meta).catch((err) => tc.warn(`could not complete ${meta.transactionalId} on open`, err));
      }
    }
    // Partitions open lazily: each is checked when it opens, those open already now.
    tc.stopWatchingOpens = opts.topics.onPartitionOpened((p) => tc.closeHangingIn(p));
    for (const topic of opts.topics.list()) for (const p of topic.partitions) if (p.isOpen) tc.closeHangingIn(p);
    tc.timer = setInterval(() => tc.track(tc.check()), opts.abortCheckIntervalMs);
    tc.timer.unref();
    return tc;
  }

  static dirFor(dataDir: string): string {
    return path.join(dataDir, 'transaction-state');
  }

  // ---- InitProducerId ----

  async initProducerId(
    transactionalId: string | null,
    timeoutMs: number,
    expected: { producerId: number; epoch: number } | null,
  ): Promise<InitProducerIdResult> {
    const fail = (errorCode: number, message?: string): InitProducerIdResult => ({ errorCode, producerId: -1, producerEpoch: -1, message });
    // Idempotent producers without a transactional id always get a fresh id (as Kafka does, KIP-360 included).
    if (transactionalId === null) return { errorCode: ErrorCode.NONE, producerId: this.ids.nextId(), producerEpoch: 0 };
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST, 'empty transactional id');
    if (timeoutMs <= 0 || timeoutMs > this.opts.maxTimeoutMs) {
      return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT, `transaction timeout ${timeoutMs} ms is outside 1..${this.opts.maxTimeoutMs}`);
    }
    let meta = this.txns.get(transactionalId);
    if (!meta) {
      meta = TxnMetadata.create(transactionalId, this.ids.nextId(), timeoutMs, this.now());
      this.index(meta);
    }
    // At most one fencing round: an ongoing transaction is aborted, then the epoch bumped again.
    for (let round = 0; round < 2; round++) {
      const t = meta.prepareInitProducerId(timeoutMs, expected, this.now(), () => this.ids.nextId());
      if (t.kind === 'error') return fail(t.errorCode, t.message);
      if (t.kind === 'fence-first') {
        try {
          await this.fenceAndAbort(meta);
        } catch (err) {
          this.warn(`fencing ${transactionalId} failed`, err);
          return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
        }
        continue;
      }
      if (t.kind === 'next') {
        const code = await this.persistOrCode(meta, t.next);
        if (code !== ErrorCode.NONE) return fail(code);
      }
      return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
    }
    return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

  /** Adds partitions and/or a group's offsets to the producer's transaction; one error code for all of them. */
  async add(transactionalId: string, producerId: number, epoch: number, partitions: { topic: string; partition: number }[], groups: string[] = []): Promise<number> {
    if (!transactionalId) return ErrorCode.INVALID_REQUEST;
    const meta = this.txns.get(transactionalId);
    if (!meta) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    const t = meta.prepareAdd(producerId, epoch, partitions.map((p) => partitionKey(p.topic, p.partition)), groups, this.now());
    return this.run(meta, t);
  }

  /** AddPartitionsToTxn v4+ verifyOnly: is each partition in the producer's ongoing transaction? */
  verify(transactionalId: string, producerId: number, epoch: number, topic: string, partition: number): number {
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId || meta.state === TxnState.Dead) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (meta.producerEpoch !== epoch) return ErrorCode.PRODUCER_FENCED;
    if (meta.state !== TxnState.Ongoing || !meta.partitions.has(partitionKey(topic, partition))) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  // ---- EndTxn ----

  async endTxn(transactionalId: string, producerId: number, epoch: number, commit: boolean): Promise<number> {
    if (!transactionalId) return ErrorCode.INVALID_REQUEST;
    const meta = this.txns.get(transactionalId);
    if (!meta) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    const t = meta.prepareEnd(producerId, epoch, commit, true, this.now());
    const code = await this.run(meta, t);
    if (code !== ErrorCode.NONE || t.kind !== 'next') return code;
    // The decision is durable: the client's answer no longer depends on the markers.
    // A failed completion is retried by the periodic check; until then the id answers CONCURRENT_TRANSACTIONS.
    await this.complete(meta).catch((err) => this.warn(`completing ${transactionalId} failed; will retry`, err));
    return ErrorCode.NONE;
  }

  // ---- Checks other handlers make ----

  /**
   * Produce path: may `producerId` at `epoch` write transactional data to this
   * partition? Only when the partition is in its ongoing transaction.
   */
  verifyProduce(producerId: number, epoch: number, topic: string, partition: number): number {
    const meta = this.byProducerId.get(producerId);
    if (meta && epoch < meta.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (!meta || epoch !== meta.producerEpoch || meta.state !== TxnState.Ongoing || !meta.partitions.has(partitionKey(topic, partition))) {
      return ErrorCode.INVALID_TXN_STATE;
    }
    return ErrorCode.NONE;
  }

  /**
   * TxnOffsetCommit: checks the transaction, then runs `write` (the group
   * coordinator storing the pending offsets). A transaction ending meanwhile
   * (timeout) completes its offsets only after that write, so none is left pending.
   */
  async txnOffsetCommit<T>(transactionalId: string, producerId: number, epoch: number, groupId: string, write: () => Promise<T>): Promise<number | T> {
    const code = this.checkTxnOffsetCommit(transactionalId, producerId, epoch, groupId);
    if (code !== ErrorCode.NONE) return code;
    const previous = this.offsetWrites.get(transactionalId);
    const run = write();
    const settled = Promise.allSettled([previous, run]);
    this.offsetWrites.set(transactionalId, settled);
    try {
      return await run;
    } finally {
      if (this.offsetWrites.get(transactionalId) === settled) this.offsetWrites.delete(transactionalId);
    }
  }

  /** TxnOffsetCommit: the group must have been added (AddOffsetsToTxn) to the producer's ongoing transaction. */
  checkTxnOffsetCommit(transactionalId: string, producerId: number, epoch: number, groupId: string): number {
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId || meta.state === TxnState.Dead) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (epoch !== meta.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (meta.state !== TxnState.Ongoing || !meta.groups.has(groupId)) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  // ---- Describe / list / metrics ----

  describe(transactionalId: string): TransactionInfo | undefined {
    const meta = this.txns.get(transactionalId);
    return meta && meta.state !== TxnState.Dead ? info(meta) : undefined;
  }

  /** Every transactional id with its state, producer, partitions and start time. */
  describeAll(): TransactionInfo[] {
    return [...this.txns.values()].filter((m) => m.state !== TxnState.Dead).map(info);
  }

  /** Partitions with producer state: their LSO and open transactions. */
  describePartitions(): PartitionTxnInfo[] {
    const out: PartitionTxnInfo[] = [];
    for (const topic of this.opts.topics.list()) {
      for (const p of topic.partitions) {
        if (!p.isOpen || p.producers.size === 0) continue;
        out.push({
          topic: topic.name,
          partition: p.index,
          highWatermark: p.highWatermark,
          lastStableOffset: p.lastStableOffset,
          openTransactions: p.producers.openTransactions,
          producers: p.producers.size,
        });
      }
    }
    return out;
  }

  /** Where a group's offsets live, as Kafka lists them in a transaction's partitions. */
  offsetsPartitionOf(groupId: string): { topic: string; partition: number } {
    const partitions = this.opts.topics.get(OFFSETS_TOPIC)?.partitions.length ?? 1;
    return { topic: OFFSETS_TOPIC, partition: partitionForGroup(groupId, partitions) };
  }

  /** The transactional id a producer id currently belongs to, if any. */
  transactionalIdOf(producerId: number): string | undefined {
    return this.byProducerId.get(producerId)?.transactionalId;
  }

  // ---- Timeouts, expiry, retries ----

  /** One round of the periodic check; exposed so tests can run it on demand. */
  async check(): Promise<void> {
    if (this.closed) return;
    const now = this.now();
    const work: Promise<unknown>[] = [];
    for (const meta of [...this.txns.values()]) {
      if (meta.pending) continue;
      const id = meta.transactionalId;
      switch (meta.state) {
        case TxnState.Ongoing:
          if (meta.startTimeMs >= 0 && now >= meta.startTimeMs + meta.timeoutMs) {
            this.opts.log?.('info', 'aborting a transaction past its timeout', { transactionalId: id, timeoutMs: meta.timeoutMs });
            work.push(this.fenceAndAbort(meta).catch((err) => this.warn(`aborting ${id} after its timeout failed`, err)));
          }
          break;
        case TxnState.PrepareEpochFence:
          work.push(this.abortFenced(meta).catch((err) => this.warn(`aborting fenced ${id} failed`, err)));
          break;
        case TxnState.PrepareCommit:
        case TxnState.PrepareAbort:
          work.push(this.complete(meta).catch((err) => this.warn(`completing ${id} failed`, err)));
          break;
        default:
          if (now - meta.lastUpdateMs >= this.opts.transactionalIdExpirationMs) {
            const t = meta.prepareDead(now);
            if (t.kind === 'next') {
              work.push(this.persist(meta, t.next).then(() => this.unindex(meta)).catch((err) => this.warn(`expiring ${id} failed`, err)));
            }
          }
      }
    }
    const cutoff = now - this.opts.producerIdExpirationMs;
    for (const topic of this.opts.topics.list()) {
      for (const p of topic.partitions) if (p.isOpen) p.producers.expire(cutoff);
    }
    await Promise.all(work);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.stopWatchingOpens?.();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await this.log.close();
  }

  // ---- Internals ----

  /** Applies a client transition: error → its code, noop → NONE, next → persisted then NONE. */
  private async run(meta: TxnMetadata, t: Transit): Promise<number> {
    if (t.kind === 'error') return t.errorCode;
    if (t.kind === 'next') return this.persistOrCode(meta, t.next);
    return ErrorCode.NONE;
  }

  private async persistOrCode(meta: TxnMetadata, next: TxnRecord): Promise<number> {
    try {
      await this.persist(meta, next);
      return ErrorCode.NONE;
    } catch (err) {
      this.warn(`could not persist ${meta.transactionalId} -> ${next.state}`, err);
      // Retriable for clients: they look the coordinator up again and retry.
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  /** Writes the record (durably, per policy), then makes it current. Others get CONCURRENT_TRANSACTIONS meanwhile. */
  private async persist(meta: TxnMetadata, next: TxnRecord): Promise<void> {
    if (this.closed) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the transaction coordinator is shutting down');
    meta.pending = next.state;
    const write = this.log.append(next);
    this.track(write);
    try {
      await write;
    } catch (err) {
      meta.pending = null;
      throw err;
    }
    this.applyNow(meta, next);
  }

  /** Makes `next` current without persisting it (PrepareEpochFence) or after persisting it. */
  private applyNow(meta: TxnMetadata, next: TxnRecord): void {
    const before = meta.producerId;
    meta.apply(next);
    if (before !== meta.producerId && this.byProducerId.get(before) === meta) this.byProducerId.delete(before);
    this.byProducerId.set(meta.producerId, meta);
    this.emit('transition', {
      transactionalId: meta.transactionalId,
      state: meta.state,
      producerId: meta.producerId,
      producerEpoch: meta.producerEpoch,
    });
  }

  /** Bumps the epoch of an ongoing transaction (the old producer is fenced) and aborts it. */
  private async fenceAndAbort(meta: TxnMetadata): Promise<void> {
    const f = meta.prepareFence(this.now());
    if (f.kind !== 'next') throw new KafkaError(f.kind === 'error' ? f.errorCode : ErrorCode.CONCURRENT_TRANSACTIONS, `cannot fence ${meta.transactionalId}`);
    this.applyNow(meta, f.next); // in memory only, as in Kafka
    await this.abortFenced(meta);
  }

  /** PrepareEpochFence → PrepareAbort (durable) → markers → CompleteAbort. */
  private async abortFenced(meta: TxnMetadata): Promise<void> {
    const t = meta.prepareEnd(meta.producerId, meta.producerEpoch, false, false, this.now());
    if (t.kind !== 'next') throw new KafkaError(t.kind === 'error' ? t.errorCode : ErrorCode.INVALID_TXN_STATE, `cannot abort ${meta.transactionalId}`);
    await this.persist(meta, t.next);
    await this.complete(meta);
  }

  /**
   * Writes the markers of a Prepare* transaction, flushes them (under 'ack'),
   * completes the group offsets, then persists Complete*. Safe to repeat: a
   * marker is only written where the partition still has the transaction open.
   */
  private async complete(meta: TxnMetadata): Promise<void> {
    const t = meta.prepareComplete(this.now());
    if (t.kind !== 'next' || meta.pending) return;
    const commit = meta.state === TxnState.PrepareCommit;
    meta.pending = t.next.state; // keeps the timer and clients off while markers go out
    const work = (async () => {
      const toFlush: Partition[] = [];
      for (const key of meta.partitions) {
        const { topic, partition } = parsePartitionKey(key);
        const p = this.opts.topics.partition(topic, partition);
        // A deleted topic needs no marker.
        if (!p || !p.producers.hasOpenTxn(meta.producerId)) continue;
        writeMarker(p, meta.producerId, meta.producerEpoch, commit, this.now());
        if (p.log.config.flushPolicy === 'ack') toFlush.push(p);
      }
      await Promise.all(toFlush.map((p) => p.log.flush()));
      if (meta.groups.size > 0) {
        await this.offsetWrites.get(meta.transactionalId);
        await this.opts.groups?.completeTxnOffsets(meta.producerId, commit);
      }
      await this.log.append(t.next);
    })();
    this.track(work);
    try {
      await work;
    } catch (err) {
      meta.pending = null;
      throw err;
    }
    this.applyNow(meta, t.next);
  }

  /** When a partition opens: close its transactions no coordinator transaction accounts for. */
  private closeHangingIn(p: Partition): void {
    for (const pid of p.producers.openProducerIds()) {
      const meta = this.byProducerId.get(pid);
      const live =
        meta &&
        (meta.state === TxnState.Ongoing || meta.state === TxnState.PrepareCommit || meta.state === TxnState.PrepareAbort) &&
        meta.partitions.has(partitionKey(p.topic, p.index));
      if (live) continue;
      const commit = meta?.state === TxnState.CompleteCommit;
      const epoch = Math.max(meta?.producerEpoch ?? 0, p.producers.entry(pid)?.epoch ?? 0);
      this.opts.log?.('warn', 'closing a transaction left open in a partition', {
        topic: p.topic,
        partition: p.index,
        producerId: pid,
        outcome: commit ? 'commit' : 'abort',
      });
      try {
        writeMarker(p, pid, epoch, commit, this.now());
      } catch (err) {
        this.warn(`could not close the open transaction of producer ${pid} in ${p.topic}-${p.index}`, err);
      }
    }
  }

  private index(meta: TxnMetadata): void {
    this.txns.set(meta.transactionalId, meta);
    this.byProducerId.set(meta.producerId, meta);
  }

  private unindex(meta: TxnMetadata): void {
    if (this.txns.get(meta.transactionalId) === meta) this.txns.delete(meta.transactionalId);
    if (this.byProducerId.get(meta.producerId) === meta) this.byProducerId.delete(meta.producerId);
  }

  private track(p: Promise<unknown>): void {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(settled);
    void settled.then(() => this.inflight.delete(settled));
  }

  private warn(msg: string, err: unknown): void {
    this.opts.log?.('warn', msg, { error: err instanceof Error ? err.message : String(err) });
  }
}
