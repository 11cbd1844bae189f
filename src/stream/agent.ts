// An agent consumes a typed topic in a consumer group and runs a handler for
// each message:
// - per-partition order, partitions processed in parallel up to `concurrency`;
// - at-least-once by default: what the handler produced (outputs, table
//   changelog updates) is acknowledged by the broker before the input offset is
//   committed; commits go out every `commitIntervalMs` and on stop;
// - exactly-once (`exactlyOnce: true`) for agents that only write to topics and
//   tables: messages are processed in batches, each batch's outputs and input
//   offsets committed in one transaction (consume-transform-produce);
// - a handler that throws is retried with exponential backoff; after the last
//   try, or at once for a message that cannot be decoded or fails its schema,
//   the message goes to `<topic>.dlq` (see dlq.ts) and the agent moves on;
// - tables it updates are restored for a partition before that partition's
//   first message is processed, and dropped when the partition is revoked;
// - stop(): stop fetching, finish in-flight messages, commit, leave the group.
import { randomUUID } from 'node:crypto';
import type { Message } from '@platformatic/kafka';
import { processing, type PendingWrite, type ProcessingContext } from './context.js';
import { deadLetterHeaders, dlqTopicName } from './dlq.js';
import { createConsumer, createProducer, type RawConsumer, type RawProducer } from './kafka.js';
import type { KafkaConfig } from './kafka-config.js';
import { PartitionQueues } from './partition-queue.js';
import { WriteBatcher } from './write-batcher.js';
import { DeserializationError } from './serde.js';
import type { Table } from './table.js';
import { Topic, ValidationError } from './topic.js';

type Raw = Message<Buffer, Buffer, Buffer, Buffer>;

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

export interface AgentOptions {
  /** Name in the processing graph; default `<input topic>-agent`. */
  name?: string;
  /** Consumer group; default `<app id>-<agent name>`. */
  group?: string;
  /** Partitions processed at once (never two messages of one partition). Default 1. */
  concurrency?: number;
  /** Tries after the first before a message goes to the DLQ. Default 3. */
  retries?: number;
  /** First retry delay in ms, doubled each time up to maxBackoffMs. Default 100. */
  backoffMs?: number;
  maxBackoffMs?: number;
  exactlyOnce?: boolean;
  /** Topics it writes, for the processing graph (sends to others are learned as they happen). */
  outputs?: Topic<any, any>[];
  /** Tables it updates: restored before a partition is processed. */
  tables?: Table<any, any>[];
  /** Where to start without a committed offset: 'earliest' (default) or 'latest'. */
  startFrom?: 'earliest' | 'latest';
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  commitIntervalMs?: number;
  /** Messages buffered before fetching pauses. Default 1000. */
  maxBuffered?: number;
  /** Records per transaction in exactly-once mode. Default 500. */
  maxBatch?: number;
}

export interface AgentStats {
  processed: number;
  retried: number;
  deadLettered: number;
  committed: number;
  transactions: number;
}

type Logger = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export class Agent<V = unknown, K = string> {
  readonly name: string;
  readonly group: string;
  readonly outputs = new Set<Topic<any, any>>();
  readonly tables: Table<any, any>[];
  readonly stats: AgentStats = { processed: 0, retried: 0, deadLettered: 0, committed: 0, transactions: 0 };
  private readonly options: Required<Omit<AgentOptions, 'name' | 'group' | 'outputs' | 'tables'>>;
  private consumer: RawConsumer | undefined;
  private producer: RawProducer | undefined;
  private stream: (AsyncIterable<Raw> & NodeJS.EventEmitter & { close(): Promise<void>; pause(): unknown; resume(): unknown }) | undefined;
  private queues: PartitionQueues | undefined;
  private writer: WriteBatcher | undefined;
  /** Per "topic:partition": settles when every output of its processed messages is acknowledged. */
  private readonly acked = new Map<string, Promise<void>>();
  /** Next offset to commit per "topic:partition" (processed but not yet committed). */
  private readonly toCommit = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private assigned = new Set<number>();
  private commitTimer: NodeJS.Timeout | undefined;
  private buffered = 0;
  private batch: Raw[] = [];
  private batchRunning: Promise<void> | undefined;
  private running = false;
  private failure: unknown;
  private log: Logger = () => {};
  private kafka: KafkaConfig | undefined;
  private instanceId = '';
  private restarts = 0;
  private restarting: Promise<void> | undefined;

  constructor(
    readonly appId: string,
    readonly input: Topic<V, K>,
    private readonly handler: AgentHandler<V, K>,
    options: AgentOptions = {},
  ) {
    this.name = options.name ?? `${input.name}-agent`;
    this.group = options.group ?? `${appId}-${this.name}`;
    for (const o of options.outputs ?? []) this.outputs.add(o);
    this.tables = options.tables ?? [];
    this.options = {
      concurrency: options.concurrency ?? 1,
      retries: options.retries ?? 3,
      backoffMs: options.backoffMs ?? 100,
      maxBackoffMs: options.maxBackoffMs ?? 5000,
      exactlyOnce: options.exactlyOnce ?? false,
      startFrom: options.startFrom ?? 'earliest',
      sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
      commitIntervalMs: options.commitIntervalMs ?? 200,
      maxBuffered: options.maxBuffered ?? 1000,
      maxBatch: options.maxBatch ?? 500,
    };
  }

  get dlq(): Topic<Buffer, Buffer> {
    return dlqTopic(this.input);
  }

  /** Partitions of the input this instance currently owns. */
  get assignment(): number[] {
    return [...this.assigned].sort((a, b) => a - b);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Joins the group and starts consuming. `instanceId` names this process: in
   * exactly-once mode it is part of the transactional id, so a restarted
   * instance fences its crashed predecessor and aborts its open transaction.
   * `groupInstanceId` makes it a static member (KIP-345): restarted with the same
   * id after a crash, it takes its predecessor's place and partitions at once,
   * without waiting for the session timeout or a rebalance.
   */
  async start(kafka: KafkaConfig, log?: Logger, instanceId: string = randomUUID(), groupInstanceId?: string): Promise<void> {
    if (this.running) return;
    if (log) this.log = log;
    this.kafka = kafka;
    this.instanceId = instanceId;
    this.failure = undefined;
    const eos = this.options.exactlyOnce;
    // producerId/epoch -1 ask the coordinator for a fresh id, fencing (and
    // aborting the open transaction of) a predecessor with the same transactional id.
    this.producer = createProducer(
      kafka,
      eos ? { idempotent: true, transactionalId: `${this.group}-${instanceId}`, producerId: -1n, producerEpoch: -1 } : {},
    );
    this.consumer = createConsumer(kafka, {
      groupId: this.group,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs,
      ...(groupInstanceId ? { groupInstanceId } : {}),
      // Exactly-once readers must not see records of open or aborted transactions.
      isolationLevel: eos ? 1 : 0,
    });
    this.consumer.on('consumer:group:join', (e: { assignments?: { topic: string; partitions: number[] }[] | null }) =>
      this.onAssignment(e.assignments ?? []),
    );
    this.queues = new PartitionQueues(this.options.concurrency, (err) => this.fail(err));
    const producer = this.producer;
    this.writer = new WriteBatcher((writes) => this.produce(writes, producer));
    this.running = true;
    const stream = await this.consumer.consume({
      topics: [this.input.name],
      autocommit: false,
      mode: 'committed',
      fallbackMode: this.options.startFrom,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs,
    });
    this.stream = stream as unknown as typeof this.stream;
    this.onAssignment(this.consumer.assignments ?? []);
    stream.on('data', (m: Raw) => this.onMessage(m));
    stream.on('error', (err: unknown) => this.fail(err));
    if (!eos) {
      this.commitTimer = setInterval(() => void this.commit(), this.options.commitIntervalMs);
      this.commitTimer.unref();
    }
  }

  /** Stops fetching, finishes in-flight messages, commits, leaves the group. */
  async stop(): Promise<void> {
    await this.restarting;
    await this.shutdown(true);
  }

  /**
   * Stops without committing what was processed since the last commit, as a
   * crash would (the group is still left, so tests need not wait for a session timeout).
   */
  async abort(): Promise<void> {
    await this.restarting;
    await this.shutdown(false);
  }

  private async shutdown(commit: boolean): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.commitTimer);
    await this.stream?.close().catch(() => {});
    if (commit) {
      await this.queues?.idle();
      this.writer?.flush();
      await Promise.allSettled([...this.acked.values()]);
      await this.batchRunning;
      await this.commit();
    } else {
      this.toCommit.clear();
    }
    // force=true skips the final commit attempt; both leave the group.
    await (this.consumer?.close(!commit) as Promise<void> | undefined)?.catch(() => {});
    await this.producer?.close().catch(() => {});
    this.consumer = undefined;
    this.producer = undefined;
    this.stream = undefined;
    this.batch = [];
    this.acked.clear();
    this.buffered = 0;
    this.assigned.clear();
    for (const t of this.tables) for (let p = 0; p < (t.partitions ?? 0); p++) t.drop(p);
  }

  /** The last error that stopped processing, if any (cleared by a successful restart). */
  get lastError(): unknown {
    return this.failure;
  }

  private fail(err: unknown): void {
    this.failure = err;
    this.log('error', `agent ${this.name} failed`, { error: err instanceof Error ? err.message : String(err) });
  }

  /**
   * After a failed transaction the consumer has moved past records whose results
   * were aborted: start over from the committed offsets with a new consumer and
   * producer (the new producer fences the old one), backing off between tries.
   */
  private restartAfterFailure(err: unknown): void {
    this.fail(err);
    if (this.restarting || !this.running) return;
    this.restarting = (async () => {
      await this.shutdown(false);
      const wait = Math.min(this.options.backoffMs * 2 ** this.restarts, this.options.maxBackoffMs);
      this.restarts++;
      await delay(wait);
      await this.start(this.kafka!, this.log, this.instanceId);
    })()
      .catch((e) => this.fail(e))
      .finally(() => (this.restarting = undefined));
  }

  private onAssignment(assignments: { topic: string; partitions: number[] }[]): void {
    const now = new Set(assignments.filter((a) => a.topic === this.input.name).flatMap((a) => a.partitions));
    for (const p of this.assigned) {
      if (now.has(p)) continue;
      this.queues?.drop(`${this.input.name}:${p}`);
      this.toCommit.delete(`${this.input.name}:${p}`);
      for (const t of this.tables) t.drop(p);
    }
    this.assigned = now;
    // Restore eagerly; the first message of a partition also waits for it.
    if (this.consumer) for (const p of now) for (const t of this.tables) t.restore(this.consumer, p).catch((err) => this.fail(err));
  }

  private onMessage(m: Raw): void {
    if (!this.running) return;
    this.buffered++;
    if (this.buffered >= this.options.maxBuffered) this.stream?.pause();
    if (this.options.exactlyOnce) {
      this.batch.push(m);
      this.runBatches();
      return;
    }
    const key = `${m.topic}:${m.partition}`;
    this.queues!.push(key, async () => {
      try {
        if (!this.running) return;
        await this.restoreTables(m.partition);
        const writes = await this.process(m);
        // The next message of the partition is processed while these writes are
        // on their way; the offset becomes committable once they (and every
        // earlier one of the partition) are acknowledged.
        const sent = this.writer!.write(writes);
        const tail = Promise.all([this.acked.get(key), sent]).then(() => {
          if (this.acked.get(key) === tail) this.acked.delete(key);
          if (this.assigned.has(m.partition) || !this.running) {
            this.toCommit.set(key, { topic: m.topic, partition: m.partition, offset: m.offset + 1n });
          }
        });
        this.acked.set(key, tail);
        tail.catch((err) => this.restartAfterFailure(err));
        // Backpressure: do not run ahead of the broker by more than a few sends.
        if (this.writer!.inFlight > 8) await sent.catch(() => {});
      } finally {
        this.release();
      }
    });
  }

  private release(): void {
    this.buffered--;
    if (this.running && this.buffered < this.options.maxBuffered / 2) this.stream?.resume();
  }

  private async restoreTables(partition: number): Promise<void> {
    for (const t of this.tables) await t.restore(this.consumer!, partition);
  }

  /** Decodes and handles one message with retries; returns what it produced (or its dead letter). */
  private async process(m: Raw): Promise<PendingWrite[]> {
    let event: AgentEvent<V, K>;
    try {
      event = {
        topic: m.topic,
        partition: m.partition,
        offset: m.offset,
        key: this.input.decodeKey(m.key ?? null),
        value: this.input.decodeValue(m.value ?? null),
        timestamp: m.timestamp,
        headers: headersToRecord(m.headers),
      };
    } catch (err) {
      if (err instanceof DeserializationError || err instanceof ValidationError) return [this.deadLetter(m, err, 0)];
      throw err;
    }
    const maxAttempts = this.options.retries + 1;
    for (let attempt = 1; ; attempt++) {
      const ctx: ProcessingContext = { topic: m.topic, partition: m.partition, offset: m.offset, writes: [], undo: [] };
      try {
        await processing.run(ctx, () => this.handler(event, this.contextFor(ctx, attempt)));
        this.stats.processed++;
        return ctx.writes;
      } catch (err) {
        for (const u of ctx.undo.reverse()) u();
        if (attempt >= maxAttempts) {
          this.log('warn', `agent ${this.name}: message sent to ${this.dlq.name} after ${attempt} tries`, {
            partition: m.partition,
            offset: String(m.offset),
            error: err instanceof Error ? err.message : String(err),
          });
          return [this.deadLetter(m, err, attempt)];
        }
        this.stats.retried++;
        await delay(Math.min(this.options.backoffMs * 2 ** (attempt - 1), this.options.maxBackoffMs));
        if (!this.running && !this.options.exactlyOnce) throw new Error(`agent ${this.name} stopped during a retry`);
      }
    }
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

  private deadLetter(m: Raw, error: unknown, attempts: number): PendingWrite {
    this.stats.deadLettered++;
    return {
      topic: this.dlq.name,
      key: m.key ?? undefined,
      value: m.value ?? null,
      headers: deadLetterHeaders({ topic: m.topic, partition: m.partition, offset: m.offset, key: m.key ?? null, value: m.value ?? null, headers: m.headers, error, attempts }),
    };
  }

  private async produce(writes: PendingWrite[], via: { send: RawProducer['send'] } | undefined = this.producer): Promise<void> {
    if (!via) throw new Error(`agent ${this.name} is stopped`);
    if (writes.length === 0) return;
    await via.send({
      messages: this.latestChangelogWrites(writes).map((w) => ({
        topic: w.topic,
        key: w.key,
        // A null value is a tombstone (table delete); the client sends it as such.
        value: w.value as Buffer,
        partition: w.partition,
        headers: w.headers,
      })),
    });
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

  /** Commits the processed offsets (at-least-once mode). */
  async commit(): Promise<void> {
    if (!this.consumer || this.toCommit.size === 0) return;
    const offsets = [...this.toCommit.values()].map((o) => ({ ...o, leaderEpoch: -1 }));
    this.toCommit.clear();
    try {
      await this.consumer.commit({ offsets });
      this.stats.committed += offsets.length;
    } catch (err) {
      // A rebalance took the partitions away: the new owner re-processes from the last commit.
      this.log('warn', `agent ${this.name}: commit failed`, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  // ---- exactly-once ----

  private runBatches(): void {
    if (this.batchRunning) return;
    this.batchRunning = (async () => {
      while (this.running && this.batch.length > 0) {
        const batch = this.batch.splice(0, this.options.maxBatch);
        try {
          await this.transact(batch);
          this.restarts = 0;
        } catch (err) {
          for (let i = 0; i < batch.length; i++) this.release();
          this.restartAfterFailure(err);
          return;
        }
        for (let i = 0; i < batch.length; i++) this.release();
      }
    })().finally(() => {
      this.batchRunning = undefined;
      if (this.running && this.batch.length > 0) this.runBatches();
    });
  }

  private async transact(batch: Raw[]): Promise<void> {
    const tx = await this.producer!.beginTransaction();
    try {
      const writes: PendingWrite[] = [];
      for (const m of batch) {
        await this.restoreTables(m.partition);
        writes.push(...(await this.process(m)));
      }
      await this.produce(writes, tx);
      await tx.addConsumer(this.consumer!);
      const last = new Map<number, Raw>();
      for (const m of batch) last.set(m.partition, m);
      for (const m of last.values()) await tx.addOffset(m);
      await tx.commit();
      this.stats.transactions++;
      this.stats.committed += last.size;
    } catch (err) {
      await tx.abort().catch(() => {});
      throw err;
    }
  }
}

const dlqTopics = new WeakMap<Topic<any, any>, Topic<Buffer, Buffer>>();

/** The dead-letter topic of an input topic: raw bytes, same partitions. */
export function dlqTopic(input: Topic<any, any>): Topic<Buffer, Buffer> {
  let t = dlqTopics.get(input);
  if (!t) {
    const raw = { contentType: 'application/octet-stream', encode: (b: Buffer) => b, decode: (b: Buffer) => b };
    t = new Topic<Buffer, Buffer>(dlqTopicName(input.name), {
      serde: raw,
      key: raw,
      partitions: input.partitions,
      description: `Messages of ${input.name} that could not be processed`,
    });
    dlqTopics.set(input, t);
  }
  return t;
}

function headersToRecord(headers: Map<Buffer, Buffer> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers ?? []) out[k.toString()] = v?.toString() ?? '';
  return out;
}

function recordToHeaders(headers: Record<string, string>): Map<Buffer, Buffer> {
  return new Map(Object.entries(headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]));
}

function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
