// The broker's topics: which exist, their ids, partition counts and config
// overrides (kept in <dataDir>/topics.json, replaced atomically), and the
// partition logs under <dataDir>/<topic>-<partition>/.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { PartitionLog } from '../log/partition-log.js';
import { defaultLogConfig, logConfigFromTopicConfigs, type FlushPolicy, type LogConfig } from '../log/config.js';
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
  clusterId = '';

  private readonly baseLogConfig: LogConfig;

  private constructor(
    private readonly dataDir: string,
    private readonly brokerDefaults: Record<string, string>,
    flushPolicy: FlushPolicy,
  ) {
    this.baseLogConfig = { ...defaultLogConfig, flushPolicy };
  }

  static async open(
    dataDir: string,
    options: { brokerDefaults?: Record<string, string>; clusterId?: string; flushPolicy?: FlushPolicy } = {},
  ): Promise<TopicManager> {
    fs.mkdirSync(dataDir, { recursive: true });
    const { brokerDefaults = {}, clusterId, flushPolicy = 'ack' } = options;
    const tm = new TopicManager(dataDir, brokerDefaults, flushPolicy);
    const meta = tm.readMeta();
    tm.clusterId = meta?.clusterId ?? clusterId ?? crypto.randomBytes(16).toString('base64url');
    for (const t of meta?.topics ?? []) {
      const topic: Topic = { name: t.name, id: t.id, configs: t.configs, partitions: [], internal: t.name.startsWith('__') };
      for (let p = 0; p < t.partitions; p++) topic.partitions.push(await tm.openPartition(topic, p));
      tm.topics.set(t.name, topic);
      tm.byId.set(t.id, topic);
    }
    if (!meta) tm.writeMeta();
    return tm;
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
   * Creates a topic. It becomes visible to get() only once every partition log is
   * open, so a request never sees a topic with missing partitions.
   */
  create(name: string, partitions: number, configs: Record<string, string> = {}, replicationFactor = 1): Promise<Topic> {
    try {
      this.validateCreate(name, partitions, replicationFactor, configs);
    } catch (err) {
      return Promise.reject(err);
    }
    const creating = (async () => {
      const topic: Topic = { name, id: crypto.randomUUID(), configs: { ...configs }, partitions: [], internal: name.startsWith('__') };
      try {
        for (let p = 0; p < partitions; p++) topic.partitions.push(await this.openPartition(topic, p));
      } catch (err) {
        for (const p of topic.partitions) await p.log.close();
        throw err;
      } finally {
        this.creating.delete(name);
      }
      this.topics.set(name, topic);
      this.byId.set(topic.id, topic);
      this.writeMeta();
      for (const l of this.createdListeners) l(topic);
      return topic;
    })();
    this.creating.set(name, creating);
    return creating;
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
    this.writeMeta();
    for (const p of topic.partitions) {
      p.notifyAppend(0, 0); // wake fetches so they see the topic is gone
      await p.log.delete();
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
    for (let p = current; p < total; p++) topic.partitions.push(await this.openPartition(topic, p));
    this.writeMeta();
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
    for (const p of topic.partitions) p.log.updateConfig(config);
    this.writeMeta();
  }

  /** Deletes expired segments of every partition (retention.ms / retention.bytes). */
  enforceRetention(now = Date.now()): void {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) p.log.enforceRetention(now);
    }
  }

  async close(): Promise<void> {
    for (const topic of this.topics.values()) {
      for (const p of topic.partitions) await p.log.close();
    }
  }

  private logConfigFor(topic: Topic): LogConfig {
    return logConfigFromTopicConfigs({ ...this.brokerDefaults, ...topic.configs }, this.baseLogConfig);
  }

  private async openPartition(topic: Topic, index: number): Promise<Partition> {
    const dir = path.join(this.dataDir, `${topic.name}-${index}`);
    const log = await PartitionLog.open(dir, this.logConfigFor(topic));
    return new Partition(topic.name, index, log);
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

  /** Write-to-temp, fsync, rename: a crash leaves the old or the new file, never half of one. */
  private writeMeta(): void {
    const meta: MetaFile = {
      clusterId: this.clusterId,
      topics: this.list().map((t) => ({ name: t.name, id: t.id, partitions: t.partitions.length, configs: t.configs })),
    };
    const tmp = `${this.metaPath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(meta, null, 2));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.metaPath);
    const dirFd = fs.openSync(this.dataDir, 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  }
}
