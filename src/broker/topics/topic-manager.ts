// The broker's topics: which exist, their ids, partition counts and config
// overrides (kept in <dataDir>/topics.json, replaced atomically), and the
// partition logs under <dataDir>/<topic>-<partition>/.
//
// Scale: creating a topic does no per-partition disk work (logs make their
// directory on first write) and concurrent creations share one topics.json
// write; partitions open lazily (on first use, and in a background sweep
// after start); descriptors come from one bounded cache. A clean close leaves
// the clean-shutdown marker and the recovery-point checkpoint, so the next
// start trusts what was flushed and checks only the rest.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { PartitionLog } from '../log/partition-log.js';
import { defaultLogConfig, logConfigFromTopicConfigs, type FlushPolicy, type LogConfig } from '../log/config.js';
import { FdCache } from '../log/fd-cache.js';
import { GroupCommit } from '../log/group-commit.js';
import { writeFileAtomically } from '../atomic-file.js';
import { readRecoveryPoints, syncDir, takeCleanShutdownMarker, writeCleanShutdownMarker, writeRecoveryPoints } from '../log/checkpoints.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { KafkaError } from '../errors.js';
import { Partition } from './partition.js';
import { topicConfigDefs, validateTopicConfig } from './topic-configs.js';

export interface Topic {
  name: string;
  id: string;
  configs: Record<string, string>;
  partitions: Partition[];
  internal: boolean;
}

export interface TopicManagerOptions {
  brokerDefaults?: Record<string, string>;
  clusterId?: string;
  flushPolicy?: FlushPolicy;
  /** Most segment files held open at once (the descriptor cache's capacity). */
  maxOpenFiles?: number;
  /** How often the recovery-point checkpoint is written (log.flush.offset.checkpoint.interval.ms). Default 60000. */
  checkpointIntervalMs?: number;
  /** Open every partition in the background once openInBackground() is called (default true; tests of lazy opening turn it off). */
  openInBackground?: boolean;
  /** Recovery notes (torn tails cut, indexes rebuilt) and background failures. */
  onWarning?: (message: string, error?: unknown) => void;
}

/** What the last start found, for tests and the bench. */
export interface StartInfo {
  /** The previous run left the clean-shutdown marker. */
  clean: boolean;
  /** Partitions with an entry in the recovery-point checkpoint. */
  checkpointed: number;
}

/** Partitions opened per slice of the background sweep, which then yields to requests. */
const SWEEP_SLICE_MS = 10;
/** Partition logs closed at once by close(). */
const CLOSE_CONCURRENCY = 64;

interface MetaFile {
  clusterId: string;
  topics: { name: string; id: string; partitions: number; configs: Record<string, string> }[];
}

const MAX_TOPIC_NAME = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

export function validateTopicName(name: string): void {
  const fail = (why: string) => {
    throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${name}" is illegal, ${why}`);
  };
  if (name.length === 0) fail('it is empty');
  if (name === '.' || name === '..') fail('it cannot be "." or ".."');
  if (name.length > MAX_TOPIC_NAME) fail(`it can't be longer than ${MAX_TOPIC_NAME} characters`);
  if (!LEGAL_TOPIC_NAME.test(name)) fail("it contains a character other than ASCII alphanumerics, '.', '_' and '-'");
}

export class TopicManager {
  private readonly topics = new Map<string, Topic>();
  private readonly byId = new Map<string, Topic>();
  private readonly createdListeners = new Set<(topic: Topic) => void>();
  /** Topics whose partition logs are still being opened, so a second create waits or fails. */
  private readonly creating = new Map<string, Promise<Topic>>();
  /** Topics being created, listed in topics.json before they are visible. */
  private readonly pendingTopics = new Map<string, Topic>();
  private readonly openedListeners = new Set<(partition: Partition) => void>();
  clusterId = '';

  private readonly baseLogConfig: LogConfig;
  private readonly brokerDefaults: Record<string, string>;
  /** Every segment file descriptor of this broker. */
  readonly fdCache: FdCache;
  private readonly warn: (message: string, error?: unknown) => void;
  /** topics.json writes: bumped by each change, written by one shared write (group commit). */
  private metaGeneration = 0;
  private readonly metaWrites = new GroupCommit(() => this.writeMetaAsync(), () => this.metaGeneration);
  /** Recovery points read at start, for partitions not opened yet (their data has not changed since). */
  private readonly savedRecoveryPoints: Map<string, number>;
  private readonly startClean: boolean;
  readonly startInfo: StartInfo;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> = Promise.resolve();
  private sweepTimer: NodeJS.Immediate | undefined;
  private sweepDone: Promise<void> | undefined;
  private readonly sweepEnabled: boolean;
  private closing = false;

  private constructor(private readonly dataDir: string, options: TopicManagerOptions) {
    this.brokerDefaults = options.brokerDefaults ?? {};
    this.baseLogConfig = { ...defaultLogConfig, flushPolicy: options.flushPolicy ?? 'ack' };
    this.fdCache = new FdCache(options.maxOpenFiles);
    this.warn = options.onWarning ?? (() => undefined);
    this.sweepEnabled = options.openInBackground ?? true;
    this.startClean = takeCleanShutdownMarker(dataDir);
    this.savedRecoveryPoints = readRecoveryPoints(dataDir);
    this.startInfo = { clean: this.startClean, checkpointed: this.savedRecoveryPoints.size };
  }

  /** Reads topics.json; no partition log is opened here (they open on first use and in the background). */
  static async open(dataDir: string, options: TopicManagerOptions = {}): Promise<TopicManager> {
    fs.mkdirSync(dataDir, { recursive: true });
    const tm = new TopicManager(dataDir, options);
    const meta = tm.readMeta();
    tm.clusterId = meta?.clusterId ?? options.clusterId ?? crypto.randomBytes(16).toString('base64url');
    for (const t of meta?.topics ?? []) {
      const topic: Topic = { name: t.name, id: t.id, configs: t.configs, partitions: [], internal: t.name.startsWith('__') };
      for (let p = 0; p < t.partitions; p++) topic.partitions.push(tm.lazyPartition(topic, p));
      tm.topics.set(t.name, topic);
      tm.byId.set(t.id, topic);
    }
    if (!meta) tm.writeMeta();
    const interval = options.checkpointIntervalMs ?? 60_000;
    tm.checkpointTimer = setInterval(() => void tm.checkpoint(), interval);
    tm.checkpointTimer.unref();
    return tm;
  }

  /**
   * Starts opening (recovering) every partition in the background; the broker
   * calls it once it listens, so the sweep does not delay its start.
   */
  openInBackground(): void {
    if (this.sweepEnabled) this.sweepDone ??= this.sweep();
  }

  /** Resolves once the background sweep (started now if it was not) has opened every partition that existed at start. */
  allOpened(): Promise<void> {
    this.openInBackground();
    return this.sweepDone ?? Promise.resolve();
  }

  /**
   * Opens the partitions not opened yet, a time slice at a time, yielding to
   * the event loop between slices so requests are served meanwhile.
   */
  private sweep(): Promise<void> {
    const pending: Partition[] = [];
    for (const t of this.topics.values()) for (const p of t.partitions) pending.push(p);
    let i = 0;
    return new Promise((resolve) => {
      const slice = (): void => {
        this.sweepTimer = undefined;
        const until = performance.now() + SWEEP_SLICE_MS;
        while (i < pending.length && !this.closing && performance.now() < until) {
          const p = pending[i++]!;
          if (p.isOpen || this.partition(p.topic, p.index) !== p) continue; // opened by a request, or deleted
          try {
            void p.log;
          } catch (err) {
            this.warn(`opening ${p.topic}-${p.index} failed`, err);
          }
        }
        if (i >= pending.length || this.closing) resolve();
        else this.sweepTimer = setImmediate(slice);
      };
      this.sweepTimer = setImmediate(slice);
    });
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  getById(id: string): Topic | undefined {
    return this.byId.get(id);
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  /** Effective configs: topic overrides over broker defaults over Kafka's defaults. */
  effectiveConfigs(topic: Topic): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, def] of Object.entries(topicConfigDefs)) {
      out[name] = topic.configs[name] ?? this.brokerDefaults[name] ?? def.default;
    }
    return out;
  }

  configSource(topic: Topic, name: string): 'topic' | 'broker' | 'default' {
    if (name in topic.configs) return 'topic';
    if (name in this.brokerDefaults) return 'broker';
    return 'default';
  }

  /** Checks a create without doing it (CreateTopics validateOnly, and the real thing). */
  validateCreate(name: string, partitions: number, replicationFactor: number, configs: Record<string, string>): void {
    validateTopicName(name);
    if (this.topics.has(name) || this.creating.has(name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be larger than 0, got ${partitions}.`);
    }
    if (partitions > 100_000) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Number of partitions ${partitions} is too large.`);
    if (replicationFactor !== 1) {
      throw new KafkaError(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `Replication factor: ${replicationFactor} larger than available brokers: 1.`,
      );
    }
    for (const [k, v] of Object.entries(configs)) validateTopicConfig(k, v);
  }

  /**
   * Creates a topic: no partition file is touched (each log makes its files on
   * its first write). It becomes visible to get() once topics.json holds it,
   * written once for all the topics being created at the same time.
   */
  create(name: string, partitions: number, configs: Record<string, string> = {}, replicationFactor = 1): Promise<Topic> {
    try {
      this.validateCreate(name, partitions, replicationFactor, configs);
    } catch (err) {
      return Promise.reject(err);
    }
    const topic: Topic = { name, id: crypto.randomUUID(), configs: { ...configs }, partitions: [], internal: name.startsWith('__') };
    for (let p = 0; p < partitions; p++) topic.partitions.push(this.lazyPartition(topic, p));
    this.pendingTopics.set(name, topic);
    const creating = this.saveMeta()
      .then(() => {
        this.topics.set(name, topic);
        this.byId.set(topic.id, topic);
        for (const l of this.createdListeners) l(topic);
        return topic;
      })
      .finally(() => {
        this.creating.delete(name);
        this.pendingTopics.delete(name);
      });
    this.creating.set(name, creating);
    return creating;
  }

  /** Makes the current topic list durable in topics.json, sharing the write with concurrent callers. */
  private saveMeta(): Promise<void> {
    this.metaGeneration++;
    return this.metaWrites.request();
  }

  /** Calls `listener` for every topic created from now on; returns the function that stops it. */
  onTopicCreated(listener: (topic: Topic) => void): () => void {
    this.createdListeners.add(listener);
    return () => this.createdListeners.delete(listener);
  }

  /** The topic, waiting for it if another request is creating it right now. */
  async getOrCreate(name: string, partitions: number): Promise<Topic> {
    const topic = this.topics.get(name);
    if (topic) return topic;
    return this.creating.get(name) ?? this.create(name, partitions);
  }

  async delete(name: string): Promise<Topic> {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    this.topics.delete(name);
    this.byId.delete(topic.id);
    await this.saveMeta();
    for (const p of topic.partitions) {
      p.notifyAppend(0, 0); // wake fetches so they see the topic is gone
      if (p.isOpen) await p.log.delete();
      else fs.rmSync(this.partitionDir(topic.name, p.index), { recursive: true, force: true });
    }
    return topic;
  }

  async addPartitions(name: string, total: number, validateOnly = false): Promise<void> {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    const current = topic.partitions.length;
    if (!Number.isInteger(total) || total <= current) {
      throw new KafkaError(
        ErrorCode.INVALID_PARTITIONS,
        `Topic currently has ${current} partitions, ${total} would not be an increase.`,
      );
    }
    if (validateOnly) return;
    for (let p = current; p < total; p++) topic.partitions.push(this.lazyPartition(topic, p));
    await this.saveMeta();
  }

  /** Re-applies every open partition's configs (after the broker defaults changed). */
  reapplyConfigs(): void {
    for (const topic of this.topics.values()) {
      const config = this.logConfigFor(topic);
      for (const p of topic.partitions) if (p.isOpen) p.log.updateConfig(config);
    }
  }

  /** Applies config changes (null value = delete the override) after validating all of them. */
  alterConfigs(name: string, changes: { name: string; op: 'set' | 'delete' | 'append' | 'subtract'; value: string | null }[], validateOnly = false): void {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`);
    const next = { ...topic.configs };
    const effective = this.effectiveConfigs(topic);
    for (const c of changes) {
      if (!topicConfigDefs[c.name]) validateTopicConfig(c.name, c.value);
      switch (c.op) {
        case 'set':
          if (c.value === null) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for: ${c.name}`);
          validateTopicConfig(c.name, c.value);
          next[c.name] = c.value;
          break;
        case 'delete':
          delete next[c.name];
          break;
        case 'append':
        case 'subtract': {
          if (topicConfigDefs[c.name]!.kind !== 'list') {
            throw new KafkaError(ErrorCode.INVALID_CONFIG, `Config value append/subtract is not allowed for config key: ${c.name}`);
          }
          const items = new Set((next[c.name] ?? effective[c.name]!).split(',').map((s) => s.trim()).filter(Boolean));
          for (const v of (c.value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
            if (c.op === 'append') items.add(v);
            else items.delete(v);
          }
          const value = [...items].join(',');
          validateTopicConfig(c.name, value);
          next[c.name] = value;
          break;
        }
      }
    }
    if (validateOnly) return;
    topic.configs = next;
    const config = this.logConfigFor(topic);
    // Partitions not open yet read the topic's configs when they open.
    for (const p of topic.partitions) if (p.isOpen) p.log.updateConfig(config);
    // A creation's asynchronous write may be renaming an older snapshot right
    // now: then the change goes into the write queued after it, not a racing one.
    if (this.metaWrites.busy) void this.saveMeta().catch((err) => this.warn('writing topics.json failed', err));
    else this.writeMeta();
  }

  /**
   * Deletes expired segments (retention.ms / retention.bytes) of the open
   * partitions: the background sweep opens the others soon after start.
   */
  enforceRetention(now = Date.now()): void {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) if (p.isOpen) p.log.enforceRetention(now);
    }
  }

  /** Calls `listener` each time a partition's log has been opened (and recovered). */
  onPartitionOpened(listener: (partition: Partition) => void): () => void {
    this.openedListeners.add(listener);
    return () => this.openedListeners.delete(listener);
  }

  /**
   * Syncs and closes every open log, then writes the recovery points and,
   * when all of that succeeded, the clean-shutdown marker.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.checkpointTimer);
    if (this.sweepTimer !== undefined) clearImmediate(this.sweepTimer);
    await this.metaWrites.idle();
    const open: Partition[] = [];
    for (const t of this.topics.values()) for (const p of t.partitions) if (p.isOpen) open.push(p);
    let failed = false;
    for (let i = 0; i < open.length; i += CLOSE_CONCURRENCY) {
      const results = await Promise.allSettled(open.slice(i, i + CLOSE_CONCURRENCY).map((p) => p.log.close({ clean: true })));
      for (const r of results) {
        if (r.status === 'rejected') {
          failed = true;
          this.warn('closing a partition log failed', r.reason);
        }
      }
    }
    await this.checkpointing;
    try {
      await writeRecoveryPoints(this.dataDir, this.recoveryPoints());
      if (!failed) writeCleanShutdownMarker(this.dataDir);
    } catch (err) {
      this.warn('writing the shutdown checkpoints failed', err);
    }
  }

  /** Writes the recovery-point checkpoint (periodically, off the request path; one write at a time). */
  checkpoint(): Promise<void> {
    if (this.closing) return this.checkpointing;
    this.checkpointing = this.checkpointing
      .then(() => writeRecoveryPoints(this.dataDir, this.recoveryPoints()))
      .catch((err) => this.warn('writing the recovery-point checkpoint failed', err));
    return this.checkpointing;
  }

  private *recoveryPoints(): Iterable<{ topic: string; partition: number; offset: number }> {
    for (const t of this.topics.values()) {
      for (const p of t.partitions) {
        const offset = p.isOpen ? p.log.recoveryPoint : this.savedRecoveryPoints.get(`${t.name}-${p.index}`);
        if (offset !== undefined && offset > 0) yield { topic: t.name, partition: p.index, offset };
      }
    }
  }

  private logConfigFor(topic: Topic): LogConfig {
    return logConfigFromTopicConfigs({ ...this.brokerDefaults, ...topic.configs }, this.baseLogConfig);
  }

  private partitionDir(topic: string, index: number): string {
    return path.join(this.dataDir, `${topic}-${index}`);
  }

  /** A partition whose log opens (recovering from its checkpointed recovery point) on first use. */
  private lazyPartition(topic: Topic, index: number): Partition {
    const dir = this.partitionDir(topic.name, index);
    const key = `${topic.name}-${index}`;
    const open = (): PartitionLog => {
      const log = PartitionLog.openSync(dir, this.logConfigFor(topic), {
        fdCache: this.fdCache,
        recoveryPoint: this.savedRecoveryPoints.get(key) ?? 0,
        clean: this.startClean,
        onWarning: this.warn,
      });
      this.savedRecoveryPoints.delete(key);
      return log;
    };
    return new Partition(topic.name, index, open, (p) => {
      for (const l of this.openedListeners) l(p);
    });
  }

  private get metaPath(): string {
    return path.join(this.dataDir, 'topics.json');
  }

  private readMeta(): MetaFile | null {
    try {
      return JSON.parse(fs.readFileSync(this.metaPath, 'utf8')) as MetaFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Topics as topics.json lists them: the existing ones and those being created. */
  private metaText(): string {
    const meta: MetaFile = {
      clusterId: this.clusterId,
      topics: [...this.topics.values(), ...this.pendingTopics.values()].map((t) => ({ name: t.name, id: t.id, partitions: t.partitions.length, configs: t.configs })),
    };
    return JSON.stringify(meta);
  }

  /** writeMeta() off the event loop, for creations (many share one write). */
  private async writeMetaAsync(): Promise<void> {
    const tmp = `${this.metaPath}.async.tmp`;
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.writeFile(this.metaText());
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, this.metaPath);
    await syncDir(this.dataDir);
  }

  /** Write-to-temp, fsync, rename: a crash leaves the old or the new file, never half of one. */
  private writeMeta(): void {
    writeFileAtomically(this.metaPath, this.metaText());
  }
}
