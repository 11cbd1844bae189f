// An agent consumes a typed topic in a consumer group and runs a handler for
// each message:
// - per-partition order, partitions processed in parallel up to `concurrency`;
// - at-least-once by default (at-least-once.ts): what the handler produced
//   (outputs, table changelog updates) is acknowledged by the broker before the
//   input offset is committed; commits go out every `commitIntervalMs` and on stop;
// - exactly-once (`exactlyOnce: true`, exactly-once.ts) for agents that only
//   write to topics and tables: each batch's outputs and input offsets are
//   committed in one transaction (consume-transform-produce);
// - a handler that throws is retried with exponential backoff; after the last
//   try, or at once for a message that cannot be decoded or fails its schema,
//   the message goes to `<topic>.dlq` (see dlq.ts) and the agent moves on
//   (agent-processor.ts);
// - tables it updates are restored for a partition before that partition's
//   first message is processed, and dropped when the partition is revoked;
// - stop(): stop fetching, finish in-flight messages, commit, leave the group.
import { randomUUID } from 'node:crypto';
import { delay, Processor, type AgentBatchHandler, type AgentHandler, type AgentStats, type Logger, type RunHost, type Runner } from './agent-processor.js';
import { AtLeastOnceRunner } from './at-least-once.js';
import { dlqTopic } from './dlq.js';
import { ExactlyOnceRunner } from './exactly-once.js';
import {
  closeForce,
  createConsumer,
  createProducer,
  subscribe,
  type ConsumedRecord,
  type RawConsumer,
  type RawProducer,
  type RecordStream,
  type TopicAssignment,
} from './kafka.js';
import type { KafkaConfig } from './kafka-config.js';
import type { Table } from './table.js';
import type { Topic } from './topic.js';

export type { AgentBatchHandler, AgentContext, AgentEvent, AgentHandler, AgentStats, SendOptions } from './agent-processor.js';

/** What a batch agent is given instead of a handler per record (App.batchAgent). */
export interface BatchHandlerSpec<V, K> {
  batch: AgentBatchHandler<V, K>;
}

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
  /**
   * Bytes a fetch waits for (up to fetchMaxWaitMs) before the broker answers.
   * Default 1: records come as soon as there are any. More: fewer, fuller
   * fetches (and batches) for a little latency when the input is slow.
   */
  fetchMinBytes?: number;
  /** The longest a fetch waits for fetchMinBytes (or for any record), ms. Default 5000. */
  fetchMaxWaitMs?: number;
  /** Records per transaction in exactly-once mode, and per handler call of a batch agent. Default 500. */
  maxBatch?: number;
}

type Settings = Required<Omit<AgentOptions, 'name' | 'group' | 'outputs' | 'tables'>>;

export class Agent<V = unknown, K = string> {
  readonly name: string;
  readonly group: string;
  readonly outputs = new Set<Topic<any, any>>();
  readonly tables: Table<any, any>[];
  readonly stats: AgentStats = { processed: 0, retried: 0, deadLettered: 0, committed: 0, transactions: 0 };
  private readonly settings: Settings;
  private readonly processor: Processor<V, K>;
  /** Records handed to one handler call by the at-least-once runner: maxBatch for a batch agent, else 1. */
  private readonly perCall: number;
  /** The current run: set by start(), cleared when stopping begins. */
  private run: AgentRun | undefined;
  private failure: unknown;
  private log: Logger = () => {};
  private restarts = 0;
  private restarting: Promise<void> | undefined;

  constructor(
    readonly appId: string,
    readonly input: Topic<V, K>,
    handler: AgentHandler<V, K> | BatchHandlerSpec<V, K>,
    options: AgentOptions = {},
  ) {
    this.name = options.name ?? `${input.name}-agent`;
    this.group = options.group ?? `${appId}-${this.name}`;
    for (const o of options.outputs ?? []) this.outputs.add(o);
    this.tables = options.tables ?? [];
    this.settings = {
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
      fetchMinBytes: options.fetchMinBytes ?? 1,
      fetchMaxWaitMs: options.fetchMaxWaitMs ?? 5000,
      maxBatch: options.maxBatch ?? 500,
    };
    const batch: AgentBatchHandler<V, K> = typeof handler === 'function' ? (events, ctx) => handler(events[0]!, ctx) : handler.batch;
    this.perCall = typeof handler === 'function' ? 1 : this.settings.maxBatch;
    if (!(this.perCall >= 1)) throw new RangeError(`agent ${this.name}: maxBatch must be at least 1`);
    this.processor = new Processor(this.name, input, batch, this.tables, this.outputs, this.stats, this.settings, (level, msg, extra) =>
      this.log(level, msg, extra),
    );
  }

  get dlq(): Topic<Buffer, Buffer> {
    return dlqTopic(this.input);
  }

  /** Partitions of the input this instance currently owns. */
  get assignment(): number[] {
    return [...(this.run?.assigned ?? [])].sort((a, b) => a - b);
  }

  get isRunning(): boolean {
    return this.run !== undefined;
  }

  /** The last error that stopped processing, if any (cleared by a successful restart). */
  get lastError(): unknown {
    return this.failure;
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
    if (this.run) return;
    if (log) this.log = log;
    this.failure = undefined;
    const s = this.settings;
    const eos = s.exactlyOnce;
    // producerId/epoch -1 ask the coordinator for a fresh id, fencing (and
    // aborting the open transaction of) a predecessor with the same transactional id.
    const producer = createProducer(
      kafka,
      eos ? { idempotent: true, transactionalId: `${this.group}-${instanceId}`, producerId: -1n, producerEpoch: -1 } : {},
    );
    const consumer = createConsumer(kafka, {
      groupId: this.group,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: s.heartbeatIntervalMs,
      rebalanceTimeout: s.rebalanceTimeoutMs,
      ...(groupInstanceId ? { groupInstanceId } : {}),
      // Exactly-once readers must not see records of open or aborted transactions.
      isolationLevel: eos ? 1 : 0,
      minBytes: s.fetchMinBytes,
      maxWaitTime: s.fetchMaxWaitMs,
    });
    const run: AgentRun = new AgentRun(
      kafka,
      instanceId,
      groupInstanceId,
      this.processor,
      consumer,
      producer,
      s.maxBuffered,
      (err) => this.fail(err),
      (err) => this.restartAfterFailure(run, err),
      (host) => (eos ? new ExactlyOnceRunner(host, s.maxBatch, () => (this.restarts = 0)) : new AtLeastOnceRunner(host, s.concurrency, s.commitIntervalMs, this.perCall)),
    );
    consumer.on('consumer:group:join', (e: { assignments?: TopicAssignment[] | null }) => this.onAssignment(run, e.assignments ?? []));
    this.run = run;
    const stream = await subscribe(consumer, {
      topics: [this.input.name],
      autocommit: false,
      mode: 'committed',
      fallbackMode: s.startFrom,
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: s.heartbeatIntervalMs,
      rebalanceTimeout: s.rebalanceTimeoutMs,
    });
    run.stream = stream;
    this.onAssignment(run, consumer.assignments ?? []);
    stream.on('data', (m) => run.receive(m));
    stream.on('error', (err) => this.fail(err));
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

  /** Commits the processed offsets (at-least-once mode; a transaction commits its own). */
  async commit(): Promise<void> {
    await this.run?.runner.commit();
  }

  private async shutdown(commit: boolean): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    run.stopping = true;
    await run.stream?.close().catch(() => {});
    if (commit) await run.runner.drain();
    else run.runner.discard();
    // Both leave the group; the forced close skips the client's final commit attempt.
    await (commit ? run.consumer.close() : closeForce(run.consumer)).catch(() => {});
    await run.producer.close().catch(() => {});
    for (const t of this.tables) for (let p = 0; p < (t.partitions ?? 0); p++) t.drop(p);
  }

  private fail(err: unknown): void {
    this.failure = err;
    this.log('error', `agent ${this.name} failed`, { error: err instanceof Error ? err.message : String(err) });
  }

  /**
   * After a failed write or transaction the consumer has moved past records
   * whose results were lost or aborted: start over from the committed offsets
   * with a new consumer and producer (the new producer fences the old one),
   * backing off between tries.
   */
  private restartAfterFailure(run: AgentRun, err: unknown): void {
    this.fail(err);
    if (this.restarting || run.stopping) return;
    const { kafka, instanceId, groupInstanceId } = run;
    this.restarting = (async () => {
      await this.shutdown(false);
      const wait = this.processor.backoff(this.restarts);
      this.restarts++;
      await delay(wait);
      // The same static identity: the restarted consumer takes this one's place in the group.
      await this.start(kafka, this.log, instanceId, groupInstanceId);
    })()
      .catch((e) => this.fail(e))
      .finally(() => (this.restarting = undefined));
  }

  private onAssignment(run: AgentRun, assignments: TopicAssignment[]): void {
    const now = new Set(assignments.filter((a) => a.topic === this.input.name).flatMap((a) => a.partitions));
    for (const p of run.assigned) {
      if (now.has(p)) continue;
      run.runner.revoke(p);
      for (const t of this.tables) t.drop(p);
    }
    if (!run.joined) {
      run.joined = true;
      // When a (re)started agent can consume again: the group join's part of its recovery time.
      this.log('info', `agent ${this.name} joined ${this.group}`, { partitions: [...now].sort((a, b) => a - b) });
    }
    run.assigned = now;
    // Restore eagerly; the first message of a partition also waits for it.
    for (const p of now) for (const t of this.tables) t.restore(run.consumer, p).catch((err) => this.fail(err));
  }
}

/**
 * One run of an agent, from start() to stop(): its clients, its partitions,
 * its delivery-mode runner and the fetch flow control. It exists only while
 * the agent runs, so nothing in it is ever "not started yet".
 */
class AgentRun implements RunHost {
  readonly runner: Runner;
  /** Set once the subscription is open. */
  stream: RecordStream | undefined;
  assigned = new Set<number>();
  /** Whether the first assignment of this run was seen (logged once). */
  joined = false;
  stopping = false;
  private buffered = 0;

  constructor(
    readonly kafka: KafkaConfig,
    readonly instanceId: string,
    readonly groupInstanceId: string | undefined,
    readonly processor: Processor<any, any>,
    readonly consumer: RawConsumer,
    readonly producer: RawProducer,
    private readonly maxBuffered: number,
    readonly fail: (err: unknown) => void,
    readonly restart: (err: unknown) => void,
    runner: (host: RunHost) => Runner,
  ) {
    this.runner = runner(this);
  }

  /** A fetched record: buffered (fetching pauses at maxBuffered) and handed to the runner. */
  receive(record: ConsumedRecord): void {
    if (this.stopping) return;
    this.buffered++;
    if (this.buffered >= this.maxBuffered) this.stream?.pause();
    this.runner.push(record);
  }

  release(): void {
    this.buffered--;
    if (!this.stopping && this.buffered < this.maxBuffered / 2) this.stream?.resume();
  }

  isStopping(): boolean {
    return this.stopping;
  }

  isAssigned(partition: number): boolean {
    return this.assigned.has(partition);
  }
}
