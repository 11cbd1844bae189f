// Broker configs as Kafka names, describes and (where Kafka allows it) changes
// them at run time. A broker config comes from, by precedence: a dynamic value
// for this broker (AlterConfigs / IncrementalAlterConfigs on BROKER resource
// "<node id>": DYNAMIC_BROKER_CONFIG), a dynamic cluster-wide default (resource
// "": DYNAMIC_DEFAULT_BROKER_CONFIG), the start options (STATIC_BROKER_CONFIG),
// or Kafka's default (DEFAULT_CONFIG). Dynamic values are kept in
// <data-dir>/dynamic-broker-configs.json, so they survive a restart.
//
// The log.* settings (and message.max.bytes, compression.type, ...) are the
// broker defaults of topic configs: changing one re-applies every topic that
// does not override it. Several broker names can feed one topic config, as in
// Kafka (retention.ms: log.retention.ms, then log.retention.minutes, then
// log.retention.hours); the first one set wins. max.connections and
// max.connections.per.ip apply to new connections at once. Other dynamic
// settings (log.cleaner.threads, num.io.threads, ...) are kept and shown; one
// broker process has no thread pools to resize.
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCode } from './protocol/error-codes.js';
import { KafkaError } from './errors.js';
import { configTypeCode, topicConfigDefs, validateTopicConfig } from './topics/topic-configs.js';

/** Kafka's ConfigSource codes. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** Kafka's ConfigType codes (DescribeConfigs v3+). */
const BOOLEAN = 1;
const STRING = 2;
const INT = 3;
const LONG = 5;
const SHORT = 4;
const DOUBLE = 6;
const LIST = 7;

/** A broker name that feeds a topic config: `factor` turns its unit into the topic config's (hours → ms). */
interface Synonym {
  name: string;
  factor: number;
  /** Kafka's default for this broker name (null: none, the next synonym decides). */
  default: string | null;
}

/** Topic config → the broker names that set its broker default, in Kafka's order. */
export const TOPIC_SYNONYMS: Record<string, Synonym[]> = (() => {
  const multi: Record<string, Synonym[]> = {
    'retention.ms': [
      { name: 'log.retention.ms', factor: 1, default: null },
      { name: 'log.retention.minutes', factor: 60_000, default: null },
      { name: 'log.retention.hours', factor: 3_600_000, default: '168' },
    ],
    'segment.ms': [
      { name: 'log.roll.ms', factor: 1, default: null },
      { name: 'log.roll.hours', factor: 3_600_000, default: '168' },
    ],
    'segment.jitter.ms': [
      { name: 'log.roll.jitter.ms', factor: 1, default: null },
      { name: 'log.roll.jitter.hours', factor: 3_600_000, default: '0' },
    ],
    'flush.ms': [
      { name: 'log.flush.interval.ms', factor: 1, default: null },
      { name: 'log.flush.scheduler.interval.ms', factor: 1, default: '9223372036854775807' },
    ],
  };
  const out: Record<string, Synonym[]> = {};
  for (const [topicName, def] of Object.entries(topicConfigDefs)) {
    if (multi[topicName]) out[topicName] = multi[topicName]!;
    else if (def.brokerName) out[topicName] = [{ name: def.brokerName, factor: 1, default: def.default }];
  }
  return out;
})();

/** Broker name → the topic config it feeds. */
const TOPIC_OF: Record<string, string> = Object.fromEntries(
  Object.entries(TOPIC_SYNONYMS).flatMap(([topic, syns]) => syns.map((s) => [s.name, topic])),
);

/** Broker settings that are not topic defaults, which Kafka lets AlterConfigs change. */
const OTHER_DYNAMIC: Record<string, { type: number; default: string | null }> = {
  'log.cleaner.threads': { type: INT, default: '1' },
  'log.cleaner.io.max.bytes.per.second': { type: DOUBLE, default: '1.7976931348623157E308' },
  'log.cleaner.dedupe.buffer.size': { type: LONG, default: '134217728' },
  'log.cleaner.io.buffer.size': { type: INT, default: '524288' },
  'log.cleaner.io.buffer.load.factor': { type: DOUBLE, default: '0.9' },
  'log.cleaner.backoff.ms': { type: LONG, default: '15000' },
  'num.io.threads': { type: INT, default: '8' },
  'num.network.threads': { type: INT, default: '3' },
  'num.replica.fetchers': { type: INT, default: '1' },
  'num.recovery.threads.per.data.dir': { type: INT, default: '1' },
  'background.threads': { type: INT, default: '10' },
  'max.connections': { type: INT, default: '2147483647' },
  'max.connections.per.ip': { type: INT, default: '2147483647' },
  'max.connection.creation.rate': { type: INT, default: '2147483647' },
  // Listener SASL settings Kafka reconfigures at run time. This broker has no
  // Kerberos and no login refresh (PLAIN and SCRAM need neither): kept and shown.
  'sasl.kerberos.service.name': { type: STRING, default: null },
  'sasl.kerberos.kinit.cmd': { type: STRING, default: '/usr/bin/kinit' },
  'sasl.kerberos.ticket.renew.window.factor': { type: DOUBLE, default: '0.8' },
  'sasl.kerberos.ticket.renew.jitter': { type: DOUBLE, default: '0.05' },
  'sasl.kerberos.min.time.before.relogin': { type: LONG, default: '60000' },
  'sasl.kerberos.principal.to.local.rules': { type: LIST, default: 'DEFAULT' },
  'sasl.login.refresh.window.factor': { type: DOUBLE, default: '0.8' },
  'sasl.login.refresh.window.jitter': { type: DOUBLE, default: '0.05' },
  'sasl.login.refresh.min.period.seconds': { type: SHORT, default: '60' },
  'sasl.login.refresh.buffer.seconds': { type: SHORT, default: '300' },
};

/** Kafka does not let these topic defaults change at run time. */
const STATIC_TOPIC_DEFAULTS = new Set(['log.message.format.version']);

export interface BrokerConfigEntry {
  name: string;
  value: string | null;
  source: number;
  readOnly: boolean;
  type: number;
  synonyms: { name: string; value: string; source: number }[];
}

type Change = { name: string; op: 'set' | 'delete' | 'append' | 'subtract'; value: string | null };

export class BrokerConfigs {
  private perBroker: Record<string, string>;
  private clusterDefault: Record<string, string>;

  private constructor(
    private readonly file: string | null,
    readonly nodeId: number,
    /** Values from the start options, by broker name (not dynamic). */
    private readonly statics: Record<string, { value: string; type: number; default: string | null }>,
    /** Static topic defaults (start option topicDefaults), by topic config name. */
    private readonly staticTopicDefaults: Record<string, string>,
    /** The topic manager's broker defaults, rewritten in place when a dynamic value changes. */
    private readonly topicDefaults: Record<string, string>,
    stored: { broker: Record<string, string>; default: Record<string, string> },
  ) {
    this.perBroker = stored.broker;
    this.clusterDefault = stored.default;
  }

  /**
   * `statics`: the broker's own settings with their Kafka defaults;
   * `topicDefaults`: the object the topic manager reads broker defaults from
   * (its start value is the static topicDefaults option).
   */
  static open(dataDir: string | null, nodeId: number, statics: Record<string, { value: string; type: number; default: string | null }>,
    topicDefaults: Record<string, string>): BrokerConfigs {
    const file = dataDir === null ? null : path.join(dataDir, 'dynamic-broker-configs.json');
    let stored = { broker: {} as Record<string, string>, default: {} as Record<string, string> };
    if (file && fs.existsSync(file)) {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof stored;
      stored = { broker: parsed.broker ?? {}, default: parsed.default ?? {} };
    }
    const configs = new BrokerConfigs(file, nodeId, statics, { ...topicDefaults }, topicDefaults, stored);
    configs.applyTopicDefaults();
    return configs;
  }

  /** Every broker config, as DescribeConfigs answers it for this broker's resource. */
  describe(withSynonyms: boolean): BrokerConfigEntry[] {
    const names = new Set([...Object.keys(this.statics), ...Object.keys(TOPIC_OF), ...Object.keys(OTHER_DYNAMIC)]);
    return [...names].sort().map((name) => {
      const chain = this.chain(name);
      const group = TOPIC_OF[name] ? TOPIC_SYNONYMS[TOPIC_OF[name]!]!.map((s) => s.name) : [name];
      // Kafka lists a setting's own values, then those of the other names of the same setting.
      const synonyms = withSynonyms ? [name, ...group.filter((n) => n !== name)].flatMap((n) => this.chain(n)) : [];
      return {
        name,
        value: chain[0]?.value ?? null,
        source: chain[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        readOnly: !isDynamic(name),
        type: typeOf(name, this.statics),
        synonyms,
      };
    });
  }

  /**
   * A topic config's broker-level value and where it comes from, and the
   * synonyms DescribeConfigs lists after the topic's own override.
   */
  topicDefault(topicName: string): { value: string | undefined; source: number; synonyms: { name: string; value: string; source: number }[] } {
    const syns = TOPIC_SYNONYMS[topicName] ?? [];
    const synonyms = syns.flatMap((s) => this.chain(s.name));
    for (const s of syns) {
      const set = this.chain(s.name).find((e) => e.source !== ConfigSource.DEFAULT_CONFIG);
      if (set) return { value: scale(set.value, s.factor), source: set.source, synonyms };
    }
    return { value: undefined, source: ConfigSource.DEFAULT_CONFIG, synonyms };
  }

  /**
   * Applies changes to resource "" (cluster default) or "<node id>" (this
   * broker), all or nothing; `replace` (AlterConfigs) drops the values not named.
   */
  alter(resourceName: string, changes: Change[], validateOnly: boolean, replace = false): void {
    const scope = resourceName === '' ? 'default' : resourceName === String(this.nodeId) ? 'broker' : undefined;
    if (!scope) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${this.nodeId} or empty string, but received ${resourceName}`);
    const current = scope === 'broker' ? this.perBroker : this.clusterDefault;
    const next: Record<string, string> = replace ? {} : { ...current };
    const where = `ConfigResource(type=BROKER, name='${resourceName}')`;
    const known = (n: string) => n in this.statics || n in TOPIC_OF || n in OTHER_DYNAMIC;
    const unknown = changes.filter((c) => !known(c.name)).map((c) => c.name);
    if (unknown.length > 0) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown broker configs for resource ${where}: ${unknown.join(', ')}`);
    const fixed = changes.filter((c) => !isDynamic(c.name)).map((c) => c.name);
    if (fixed.length > 0) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Invalid config value for resource ${where}: Cannot update these configs dynamically: Set(${fixed.join(', ')})`);
    }
    for (const c of changes) {
      if (c.op === 'delete' || c.value === null) {
        delete next[c.name];
        continue;
      }
      let value = c.value;
      if (c.op === 'append' || c.op === 'subtract') {
        const items = new Set((next[c.name] ?? this.chain(c.name)[0]?.value ?? '').split(',').map((s) => s.trim()).filter(Boolean));
        for (const v of value.split(',').map((s) => s.trim()).filter(Boolean)) {
          if (c.op === 'append') items.add(v);
          else items.delete(v);
        }
        value = [...items].join(',');
      }
      validateValue(c.name, value, where);
      next[c.name] = value;
    }
    if (validateOnly) return;
    if (scope === 'broker') this.perBroker = next;
    else this.clusterDefault = next;
    this.save();
    this.applyTopicDefaults();
    for (const listener of this.onChange) listener();
  }

  /** The values a broker name has, by precedence (dynamic broker, dynamic default, static, Kafka's default). */
  private chain(name: string): { name: string; value: string; source: number }[] {
    const out: { name: string; value: string; source: number }[] = [];
    if (name in this.perBroker) out.push({ name, value: this.perBroker[name]!, source: ConfigSource.DYNAMIC_BROKER_CONFIG });
    if (name in this.clusterDefault) out.push({ name, value: this.clusterDefault[name]!, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
    const topic = TOPIC_OF[name];
    const firstSynonym = topic !== undefined && TOPIC_SYNONYMS[topic]![0]!.name === name;
    if (firstSynonym && topic in this.staticTopicDefaults) {
      out.push({ name, value: this.staticTopicDefaults[topic]!, source: ConfigSource.STATIC_BROKER_CONFIG });
    }
    const own = this.statics[name];
    if (own && own.value !== own.default) out.push({ name, value: own.value, source: ConfigSource.STATIC_BROKER_CONFIG });
    const def = own ? own.default : topic !== undefined ? TOPIC_SYNONYMS[topic]!.find((s) => s.name === name)!.default : OTHER_DYNAMIC[name]?.default ?? null;
    if (def !== null) out.push({ name, value: def, source: ConfigSource.DEFAULT_CONFIG });
    return out;
  }

  /** Rewrites the topic manager's broker defaults from the static and dynamic values. */
  private applyTopicDefaults(): void {
    for (const key of Object.keys(this.topicDefaults)) delete this.topicDefaults[key];
    for (const topicName of Object.keys(TOPIC_SYNONYMS)) {
      const { value } = this.topicDefault(topicName);
      if (value !== undefined) this.topicDefaults[topicName] = value;
    }
    this.onTopicDefaultsChanged?.();
  }

  /** Called after the topic defaults changed (the topic manager re-applies its logs' configs). */
  onTopicDefaultsChanged: (() => void) | undefined;

  /** Called after any dynamic value changed (the broker re-reads the settings it applies at run time). */
  readonly onChange = new Set<() => void>();

  /** A broker config's value in force (dynamic, static or default), or null when it has none. */
  value(name: string): string | null {
    return this.chain(name)[0]?.value ?? null;
  }

  private save(): void {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ broker: this.perBroker, default: this.clusterDefault }, null, 2));
    fs.renameSync(tmp, this.file);
  }
}

function isDynamic(name: string): boolean {
  return (name in TOPIC_OF && !STATIC_TOPIC_DEFAULTS.has(name)) || name in OTHER_DYNAMIC;
}

function typeOf(name: string, statics: Record<string, { type: number }>): number {
  if (statics[name]) return statics[name]!.type;
  if (OTHER_DYNAMIC[name]) return OTHER_DYNAMIC[name]!.type;
  const topic = TOPIC_OF[name];
  if (!topic) return STRING;
  // The hours and minutes forms are ints in Kafka; the others share the topic config's type.
  return TOPIC_SYNONYMS[topic]!.find((s) => s.name === name)!.factor > 1 ? INT : configTypeCode(topic);
}

function scale(value: string, factor: number): string {
  return factor === 1 ? value : String(BigInt(value) * BigInt(factor));
}

function validateValue(name: string, value: string, where: string): void {
  const topic = TOPIC_OF[name];
  try {
    if (topic) {
      const syn = TOPIC_SYNONYMS[topic]!.find((s) => s.name === name)!;
      if (syn.factor > 1 && !/^-?\d+$/.test(value.trim())) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: Not a number of type INT`);
      validateTopicConfig(topic, syn.factor > 1 ? scale(value.trim(), syn.factor) : value);
      return;
    }
    const type = OTHER_DYNAMIC[name]!.type;
    if (type === STRING || type === LIST) return;
    const n = Number(value.trim());
    const whole = type === INT || type === LONG || type === SHORT;
    if (value.trim() === '' || !Number.isFinite(n) || (whole && !Number.isInteger(n)) || (type === SHORT && Math.abs(n) > 32767)) {
      throw new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: Not a number of type ${TYPE_NAMES[type]}`);
    }
    if (n < (name === 'log.cleaner.threads' || name.startsWith('num.') || name === 'background.threads' ? 1 : 0)) {
      throw new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: Value must be at least 1`);
    }
  } catch (err) {
    if (err instanceof KafkaError) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Invalid config value for resource ${where}: ${err.message}`);
    throw err;
  }
}

const TYPE_NAMES: Record<number, string> = { [INT]: 'INT', [SHORT]: 'SHORT', [LONG]: 'LONG', [DOUBLE]: 'DOUBLE' };

export const CONFIG_TYPES = { BOOLEAN, STRING, INT, LONG, DOUBLE } as const;

/** The broker's own settings as DescribeConfigs shows them, with Kafka's defaults (null: Kafka has none). */
export function staticBrokerConfigs(c: {
  nodeId: number; autoCreateTopics: boolean; defaultPartitions: number; maxRequestBytes: number; queuedMaxRequestBytes: number;
  maxPartitionsPerRequest: number; maxBrokerPartitions: number; fetchMaxBytes: number; fetchMaxPartitionBytes: number;
  maxConnections: number; maxConnectionsPerIp: number; connectionsMaxIdleMs: number; connectionsMaxReauthMs: number; dataDir: string; retentionCheckIntervalMs: number;
  offsetsRetentionMinutes: number; offsetsRetentionCheckIntervalMs: number; groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number; groupMaxSessionTimeoutMs: number; logCleanerBackoffMs: number;
}): Record<string, { value: string; type: number; default: string | null }> {
  const e = (value: string | number | boolean, type: number, def: string | null) => ({ value: String(value), type, default: def });
  return {
    'node.id': e(c.nodeId, INT, null),
    'broker.id': e(c.nodeId, INT, null),
    'auto.create.topics.enable': e(c.autoCreateTopics, BOOLEAN, 'true'),
    'num.partitions': e(c.defaultPartitions, INT, '1'),
    'default.replication.factor': e(1, INT, '1'),
    'socket.request.max.bytes': e(c.maxRequestBytes, INT, '104857600'),
    'queued.max.request.bytes': e(c.queuedMaxRequestBytes === Infinity ? -1 : c.queuedMaxRequestBytes, LONG, '-1'),
    'max.partitions.per.request': e(c.maxPartitionsPerRequest, INT, '10000'),
    'max.broker.partitions': e(c.maxBrokerPartitions, INT, '100000'),
    'fetch.max.bytes': e(c.fetchMaxBytes, INT, '57671680'),
    'max.partition.fetch.bytes': e(c.fetchMaxPartitionBytes, INT, '10485760'),
    'max.connections': e(c.maxConnections, INT, '2147483647'),
    'max.connections.per.ip': e(c.maxConnectionsPerIp, INT, '2147483647'),
    'connections.max.idle.ms': e(c.connectionsMaxIdleMs, LONG, '600000'),
    'connections.max.reauth.ms': e(c.connectionsMaxReauthMs, LONG, '0'),
    'log.dirs': e(c.dataDir, STRING, null),
    'log.retention.check.interval.ms': e(c.retentionCheckIntervalMs, LONG, '300000'),
    'offsets.retention.minutes': e(c.offsetsRetentionMinutes, INT, '10080'),
    'offsets.retention.check.interval.ms': e(c.offsetsRetentionCheckIntervalMs, LONG, '600000'),
    'group.initial.rebalance.delay.ms': e(c.groupInitialRebalanceDelayMs, INT, '3000'),
    'group.min.session.timeout.ms': e(c.groupMinSessionTimeoutMs, INT, '6000'),
    'group.max.session.timeout.ms': e(c.groupMaxSessionTimeoutMs, INT, '1800000'),
    'log.cleaner.backoff.ms': e(c.logCleanerBackoffMs, LONG, '15000'),
  };
}
