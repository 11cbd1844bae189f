// The processing core of an agent, the same in both delivery modes: decodes a
// record, runs the handler with retries and exponential backoff, collects what
// the handler produced (sends, table updates), and turns a record that cannot
// be processed into its dead letter. The runners (at-least-once.ts,
// exactly-once.ts) decide when those writes are produced and when the input
// offset is committed.
import { processing, type PendingWrite, type ProcessingContext } from './context.js';
import { deadLetterWrite, dlqTopic } from './dlq.js';
import { headersToRecord, produceWrites, type ConsumedRecord, type RawConsumer, type RawProducer, type RecordSender } from './kafka.js';
import { DeserializationError } from './serde.js';
import type { Table } from './table.js';
import { ValidationError, type Topic } from './topic.js';

export interface AgentEvent<V, K> {
  topic: string;
  partition: number;
  offset: bigint;
  key: K | null;
  value: V;
  timestamp: bigint;
  headers: Record<string, string>;
}

export interface SendOptions<K> {
  key?: K | null;
  headers?: Record<string, string>;
  partition?: number;
}

export interface AgentContext {
  /** Queues a record for an output topic; it is produced before the input offset is committed. */
  send<V2, K2>(topic: Topic<V2, K2>, value: V2, options?: SendOptions<K2>): void;
  /** 1 on the first try, then 2, 3, ... on retries. */
  attempt: number;
}

export type AgentHandler<V, K> = (event: AgentEvent<V, K>, ctx: AgentContext) => Promise<void> | void;

/** A batch agent's handler: consecutive records of one partition, in order (see processBatch). */
export type AgentBatchHandler<V, K> = (events: AgentEvent<V, K>[], ctx: AgentContext) => Promise<void> | void;

export interface AgentStats {
  processed: number;
  retried: number;
  deadLettered: number;
  committed: number;
  transactions: number;
}

export type Logger = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface RetrySettings {
  /** Tries after the first before a message goes to the DLQ. */
  retries: number;
  /** First retry delay in ms, doubled each time up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

export class Processor<V, K> {
  constructor(
    readonly name: string,
    readonly input: Topic<V, K>,
    private readonly handler: AgentBatchHandler<V, K>,
    private readonly tables: Table<any, any>[],
    private readonly outputs: Set<Topic<any, any>>,
    readonly stats: AgentStats,
    private readonly retry: RetrySettings,
    readonly log: Logger,
  ) {}

  /** The delay before retry (or restart) number `n` (0-based). */
  backoff(n: number): number {
    return Math.min(this.retry.backoffMs * 2 ** n, this.retry.maxBackoffMs);
  }

  /** Waits until every table is restored for the partition (loads it on first use). */
  async restoreTables(consumer: RawConsumer, partition: number): Promise<void> {
    for (const t of this.tables) await t.restore(consumer, partition);
  }

  /**
   * Decodes and handles one record with retries; returns what it produced (or
   * its dead letter). `stopped` ends the retries of an agent that is stopping.
   */
  async process(m: ConsumedRecord, stopped: () => boolean): Promise<PendingWrite[]> {
    const event = this.decode(m);
    return 'deadLetter' in event ? [event.deadLetter] : this.handle(event, m, stopped);
  }

  /**
   * Handles consecutive records of one partition in one handler call (a batch
   * agent): the records that cannot be decoded go to the dead-letter topic, the
   * others to the handler together. If that call fails, its table updates are
   * undone and each record is handled alone, with its own retries, so one bad
   * record dead-letters alone. Returns what they produced, in order.
   */
  async processBatch(records: ConsumedRecord[], stopped: () => boolean): Promise<PendingWrite[]> {
    if (records.length === 1) return this.process(records[0]!, stopped);
    const writes: PendingWrite[] = [];
    const events: AgentEvent<V, K>[] = [];
    const decoded: ConsumedRecord[] = [];
    for (const m of records) {
      const event = this.decode(m);
      if ('deadLetter' in event) writes.push(event.deadLetter);
      else {
        events.push(event);
        decoded.push(m);
      }
    }
    if (events.length === 0) return writes;
    const last = events[events.length - 1]!;
    const ctx: ProcessingContext = { topic: last.topic, partition: last.partition, offset: last.offset, writes: [], undo: [] };
    try {
      await processing.run(ctx, () => this.handler(events, this.contextFor(ctx, 1)));
      this.stats.processed += events.length;
      writes.push(...ctx.writes);
    } catch {
      for (const u of ctx.undo.reverse()) u();
      for (let i = 0; i < events.length; i++) writes.push(...(await this.handle(events[i]!, decoded[i]!, stopped)));
    }
    return writes;
  }

  private decode(m: ConsumedRecord): AgentEvent<V, K> | { deadLetter: PendingWrite } {
    try {
      return {
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        key: this.input.decodeKey(m.key ?? null),
        value: this.input.decodeValue(m.value ?? null),
        timestamp: m.timestamp,
        headers: headersToRecord(m.headers),
      };
    } catch (err) {
      if (err instanceof DeserializationError || err instanceof ValidationError) return { deadLetter: this.deadLetter(m, err, 0) };
      throw err;
    }
  }

  /** Runs the handler on one decoded record with retries; after the last try, its dead letter. */
  private async handle(event: AgentEvent<V, K>, m: ConsumedRecord, stopped: () => boolean): Promise<PendingWrite[]> {
    const events = [event];
    const maxAttempts = this.retry.retries + 1;
    for (let attempt = 1; ; attempt++) {
      const ctx: ProcessingContext = { topic: m.topic, partition: m.partition, offset: m.offset, writes: [], undo: [] };
      try {
        await processing.run(ctx, () => this.handler(events, this.contextFor(ctx, attempt)));
        this.stats.processed++;
        return ctx.writes;
      } catch (err) {
        for (const u of ctx.undo.reverse()) u();
        if (attempt >= maxAttempts) {
          this.log('warn', `agent ${this.name}: message sent to ${dlqTopic(this.input).name} after ${attempt} tries`, {
            partition: m.partition,
            offset: String(m.offset),
            error: err instanceof Error ? err.message : String(err),
          });
          return [this.deadLetter(m, err, attempt)];
        }
        this.stats.retried++;
        await delay(this.backoff(attempt - 1));
        if (stopped()) throw new Error(`agent ${this.name} stopped during a retry`);
      }
    }
  }

  /** Produces what handlers wrote, through a producer or a transaction. */
  produce(via: RecordSender, writes: PendingWrite[]): Promise<void> {
    return produceWrites(via, this.latestChangelogWrites(writes));
  }

  private contextFor(ctx: ProcessingContext, attempt: number): AgentContext {
    return {
      attempt,
      send: (topic, value, options = {}) => {
        this.outputs.add(topic);
        ctx.writes.push({
          topic: topic.name,
          partition: options.partition,
          key: options.key === undefined || options.key === null ? undefined : topic.encodeKey(options.key),
          value: topic.encodeValue(value),
          headers: options.headers ? recordToHeaders(options.headers) : undefined,
        });
      },
    };
  }

  private deadLetter(m: ConsumedRecord, error: unknown, attempts: number): PendingWrite {
    this.stats.deadLettered++;
    return deadLetterWrite(dlqTopic(this.input), m, error, attempts);
  }

  /**
   * Drops table updates that a later update of the same key supersedes within
   * one produce call. The changelog is compacted, so only a key's last value
   * matters, and both would travel in the same request to the same partition:
   * a hot key updated by every message (a running count) costs one changelog
   * record per batch, not one per message. Other outputs are kept as they are.
   */
  private latestChangelogWrites(writes: PendingWrite[]): PendingWrite[] {
    if (this.tables.length === 0 || writes.length < 2) return writes;
    const changelogs = new Set(this.tables.map((t) => t.changelog.name));
    const seen = new Set<string>();
    const kept: PendingWrite[] = [];
    for (let i = writes.length - 1; i >= 0; i--) {
      const w = writes[i]!;
      if (changelogs.has(w.topic) && w.key) {
        const id = `${w.topic}\0${w.partition}\0${w.key.toString('latin1')}`;
        if (seen.has(id)) continue;
        seen.add(id);
      }
      kept.push(w);
    }
    return kept.length === writes.length ? writes : kept.reverse();
  }
}

/** What a runner gets from its agent for one run, from start() to stop. */
export interface RunHost {
  readonly processor: Processor<any, any>;
  readonly consumer: RawConsumer;
  readonly producer: RawProducer;
  /** True once stop() or abort() began. */
  isStopping(): boolean;
  /** Whether this instance owns the input partition now. */
  isAssigned(partition: number): boolean;
  /** One fetched record is done with (fetching resumes below the low mark). */
  release(): void;
  /** Records an error that stopped a record's processing. */
  fail(err: unknown): void;
  /** A write or transaction failed: start over from the committed offsets. */
  restart(err: unknown): void;
}

/** A delivery mode: when what the handler produced is written and the input committed. */
export interface Runner {
  push(record: ConsumedRecord): void;
  /** The partition went to another instance: forget what is queued or committable for it. */
  revoke(partition: number): void;
  /** Finishes what is in flight and commits it (a graceful stop). */
  drain(): Promise<void>;
  /** Forgets what is not committed, as a crash would. */
  discard(): void;
  /** Commits the offsets of what was processed and written. */
  commit(): Promise<void>;
}

function recordToHeaders(headers: Record<string, string>): Map<Buffer, Buffer> {
  return new Map(Object.entries(headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]));
}

export function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
