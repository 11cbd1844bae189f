// The app holds a service's topics, agents and tables, creates the topics at
// start when they are missing, starts and stops everything together, and can
// describe itself: the processing graph as data (for the dashboard) and as an
// AsyncAPI 3.0 document (served at /asyncapi.json).
import { randomUUID } from 'node:crypto';
import { Agent, type AgentBatchHandler, type AgentHandler, type AgentOptions, type BatchHandlerSpec } from './agent.js';
import { dlqTopic } from './dlq.js';
import { createAdmin, createProducer, ensureTopics, produceWrites, toPendingWrites, type OutgoingMessage, type RawProducer } from './kafka.js';
import { WriteBatcher } from './write-batcher.js';
import { kafkaConfigFromEnv, type KafkaConfig } from './kafka-config.js';
import { Table, type TableOptions } from './table.js';
import { Topic, type TopicOptions } from './topic.js';
import { asyncApiDocument, type AsyncApiInfo } from './asyncapi.js';

export interface AppOptions {
  /** Prefix of consumer groups and changelog topics. */
  id: string;
  /** Connection; from the environment (KAFKA_BROKERS, SASL_*, ...) when absent. */
  kafka?: KafkaConfig;
  /**
   * Names this process among the app's instances (default: random). Give a
   * restarted process the same id so its exactly-once agents fence the old one.
   */
  instanceId?: string;
  /**
   * group.instance.id of this process's agents (static membership), or a function
   * read when they start; default none (dynamic members).
   */
  groupInstanceId?: string | (() => string | undefined);
  /** Partitions of declared topics that do not say. Default 1. */
  defaultPartitions?: number;
  /**
   * Produce requests of `send()` on their way at once. Default 1: when idle a
   * send goes out at once; under load what comes while one is on its way goes
   * in the next, so one request carries the records of many callers.
   */
  maxSendsInFlight?: number;
  /** How long a `send()` may wait for others before its request starts, ms. Default 0 (see WriteBatcherOptions.lingerMs). */
  sendLingerMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

export interface GraphNode {
  id: string;
  kind: 'topic' | 'agent' | 'table';
  name: string;
  /** Agents: group, concurrency, stats; topics: partitions; tables: size. */
  details: Record<string, unknown>;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'reads' | 'writes' | 'updates' | 'dead-letters';
}

export interface ProcessingGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export class App {
  readonly id: string;
  readonly instanceId: string;
  readonly topics = new Map<string, Topic<any, any>>();
  readonly agents: Agent<any, any>[] = [];
  readonly tables = new Map<string, Table<any, any>>();
  private readonly options: AppOptions;
  private producer: RawProducer | undefined;
  private sender: WriteBatcher | undefined;
  private started = false;
  /** Set once createTopics() succeeded: start() need not ask the cluster again (a restart's time). */
  private topicsCreated = false;
  /** Records acknowledged per topic by `send()` (outside agents), for metrics. */
  readonly sent = new Map<string, number>();

  constructor(options: AppOptions) {
    if (!/^[a-zA-Z0-9._-]+$/.test(options.id)) throw new RangeError(`app id "${options.id}" must be usable in topic names`);
    this.id = options.id;
    this.instanceId = options.instanceId ?? randomUUID();
    this.options = options;
  }

  get kafka(): KafkaConfig {
    this.options.kafka ??= kafkaConfigFromEnv();
    return this.options.kafka;
  }

  get isStarted(): boolean {
    return this.started;
  }

  topic<V = unknown, K = string>(name: string, options: TopicOptions<V, K> = {}): Topic<V, K> {
    if (this.topics.has(name)) throw new Error(`topic ${name} is declared twice`);
    const t = new Topic<V, K>(name, options);
    this.topics.set(name, t);
    return t;
  }

  table<V = unknown, K = string>(name: string, options: TableOptions<V, K> = {}): Table<V, K> {
    if (this.tables.has(name)) throw new Error(`table ${name} is declared twice`);
    const t = new Table<V, K>(this.id, name, options);
    this.tables.set(name, t);
    return t;
  }

  agent<V, K>(input: Topic<V, K>, handler: AgentHandler<V, K>, options: AgentOptions = {}): Agent<V, K> {
    return this.addAgent(input, handler, options);
  }

  /**
   * An agent whose handler takes the records of one partition that are waiting
   * (up to `maxBatch`, in order) in one call, so per-record costs (a database
   * round trip, a table update per key) are paid per batch. Delivery is the same
   * as agent()'s; a failed call is retried record by record (agent-processor.ts).
   */
  batchAgent<V, K>(input: Topic<V, K>, handler: AgentBatchHandler<V, K>, options: AgentOptions = {}): Agent<V, K> {
    return this.addAgent(input, { batch: handler }, options);
  }

  private addAgent<V, K>(input: Topic<V, K>, handler: AgentHandler<V, K> | BatchHandlerSpec<V, K>, options: AgentOptions): Agent<V, K> {
    if (!this.topics.has(input.name)) this.topics.set(input.name, input);
    const agent = new Agent<V, K>(this.id, input, handler, options);
    if (this.agents.some((a) => a.name === agent.name)) throw new Error(`agent ${agent.name} is declared twice`);
    // A table is partitioned like the input of the agent that updates it.
    for (const t of agent.tables) t.partitions ??= input.partitions ?? this.options.defaultPartitions ?? 1;
    this.agents.push(agent);
    return agent;
  }

  /** Every topic the app needs: declared ones, outputs, dead-letter topics and changelogs. */
  allTopics(): Topic<any, any>[] {
    const all = new Map<string, Topic<any, any>>(this.topics);
    for (const a of this.agents) {
      for (const o of a.outputs) all.set(o.name, o);
      all.set(a.dlq.name, a.dlq);
    }
    for (const t of this.tables.values()) all.set(t.changelog.name, t.changelog);
    return [...all.values()];
  }

  /** Creates the topics that do not exist yet (an existing topic is accepted as is). */
  async createTopics(): Promise<string[]> {
    const admin = createAdmin(this.kafka);
    try {
      const created = await ensureTopics(admin, this.allTopics(), { partitions: this.options.defaultPartitions });
      this.topicsCreated = true;
      return created;
    } finally {
      await admin.close();
    }
  }

  /** Creates missing topics (unless createTopics() did), then starts every agent (each joins its group). */
  async start(): Promise<void> {
    if (this.started) return;
    if (!this.topicsCreated) await this.createTopics();
    this.started = true;
    const { groupInstanceId } = this.options;
    const staticId = typeof groupInstanceId === 'function' ? groupInstanceId() : groupInstanceId;
    try {
      await Promise.all(this.agents.map((a) => a.start(this.kafka, this.options.log, this.instanceId, staticId)));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops agents gracefully (finish, commit, leave) and closes the producer. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all(this.agents.map((a) => a.stop()));
    await this.closeProducer();
  }

  /** Stops every agent without committing, as a crash would. */
  async abort(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all(this.agents.map((a) => a.abort()));
    await this.closeProducer();
  }

  /** Closes the producer of `send()` once what it carries is acknowledged (an API's shutdown). */
  async closeProducer(): Promise<void> {
    const { producer, sender } = this;
    this.producer = undefined;
    this.sender = undefined;
    sender?.flush();
    await sender?.idle();
    await producer?.close().catch(() => {});
  }

  /**
   * Stops gracefully on SIGTERM or SIGINT (stop fetching, finish in-flight
   * messages, commit, leave the group), then calls `onStopped`. Returns the
   * function that removes the handlers.
   */
  stopOnSignals(onStopped: (signal: NodeJS.Signals) => void = () => {}): () => void {
    const handler = (signal: NodeJS.Signals) => {
      this.options.log?.('info', `${signal}: stopping ${this.id}`);
      this.stop().then(
        () => onStopped(signal),
        (err) => {
          this.options.log?.('error', `stopping ${this.id} failed`, { error: String(err) });
          onStopped(signal);
        },
      );
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
    return () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    };
  }

  /**
   * Sends to a declared topic from outside an agent (HTTP handlers, CLIs);
   * resolves when the broker acknowledged (acks=all). Validation errors throw
   * before anything is queued (`validated`: the values already passed the
   * topic's schema, as a route's body checked by it; they are only serialized). Calls made while a produce request is on its
   * way share the next one (maxSendsInFlight), so many HTTP requests in flight
   * cost few round trips.
   */
  async send<V, K>(topic: Topic<V, K>, messages: OutgoingMessage<V, K>[], options: { validated?: boolean } = {}): Promise<void> {
    if (messages.length === 0) return;
    const writes = toPendingWrites(topic, messages, options.validated);
    if (!this.sender) {
      const producer = (this.producer = createProducer(this.kafka));
      this.sender = new WriteBatcher((batch) => produceWrites(producer, batch), {
        maxInFlight: this.options.maxSendsInFlight ?? 1,
        lingerMs: this.options.sendLingerMs,
      });
    }
    await this.sender.write(writes);
    this.sent.set(topic.name, (this.sent.get(topic.name) ?? 0) + messages.length);
  }

  graph(): ProcessingGraph {
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    for (const t of this.allTopics()) {
      nodes.push({ id: `topic:${t.name}`, kind: 'topic', name: t.name, details: { partitions: t.partitions ?? null, description: t.description ?? null } });
    }
    for (const t of this.tables.values()) {
      nodes.push({ id: `table:${t.name}`, kind: 'table', name: t.name, details: { size: t.size, changelog: t.changelog.name } });
      edges.push({ from: `table:${t.name}`, to: `topic:${t.changelog.name}`, kind: 'writes' });
    }
    for (const a of this.agents) {
      const id = `agent:${a.name}`;
      nodes.push({ id, kind: 'agent', name: a.name, details: { group: a.group, running: a.isRunning, assignment: a.assignment, ...a.stats } });
      edges.push({ from: `topic:${a.input.name}`, to: id, kind: 'reads' });
      for (const o of a.outputs) edges.push({ from: id, to: `topic:${o.name}`, kind: 'writes' });
      for (const t of a.tables) edges.push({ from: id, to: `table:${t.name}`, kind: 'updates' });
      edges.push({ from: id, to: `topic:${dlqTopic(a.input).name}`, kind: 'dead-letters' });
    }
    return { nodes, edges };
  }

  asyncApi(info: Partial<AsyncApiInfo> = {}): Record<string, unknown> {
    return asyncApiDocument(this, info);
  }
}

export function createApp(options: AppOptions): App {
  return new App(options);
}
