// The topic-level configs the broker knows, with Kafka's defaults. CreateTopics,
// IncrementalAlterConfigs and DescribeConfigs go through this table, so an
// unknown name or a bad value is refused with INVALID_CONFIG naming the key.
import { ErrorCode } from '../protocol/error-codes.js';
import { KafkaError } from '../errors.js';
import { DEFAULT_MESSAGE_FORMAT_VERSION, isMessageFormatVersion } from './message-format-versions.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

type Kind = 'long' | 'int' | 'double' | 'enum' | 'list' | 'boolean' | 'string';

interface ConfigDef {
  default: string;
  kind: Kind;
  /** Allowed values for enums and lists. */
  values?: readonly string[];
  /** Smallest accepted number (-1 often means "unlimited"). */
  min?: number;
  /** Largest accepted number (doubles). */
  max?: number;
  /** The broker-level name of the same setting, reported as its synonym. */
  brokerName?: string;
  /** For strings (and lists without fixed values): the values accepted, and what an error says of the others. */
  accepts?: { test: (value: string) => boolean; reason: (value: string) => string };
}

/** Kafka's ThrottledReplicaListValidator: empty, `*`, or partition:broker pairs. */
const throttledReplicas = {
  test: (v: string) => /^\s*(\*|(\d+:\d+)(\s*,\s*\d+:\d+)*)?\s*$/.test(v),
  reason: () => 'must be the literal \'*\' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...',
};

export const topicConfigDefs: Record<string, ConfigDef> = {
  'cleanup.policy': { default: 'delete', kind: 'list', values: ['delete', 'compact'], brokerName: 'log.cleanup.policy' },
  'compression.type': {
    default: 'producer',
    kind: 'enum',
    values: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
    brokerName: 'compression.type',
  },
  'delete.retention.ms': { default: '86400000', kind: 'long', min: 0, brokerName: 'log.cleaner.delete.retention.ms' },
  'file.delete.delay.ms': { default: '60000', kind: 'long', min: 0, brokerName: 'log.segment.delete.delay.ms' },
  'flush.messages': { default: '9223372036854775807', kind: 'long', min: 1, brokerName: 'log.flush.interval.messages' },
  'flush.ms': { default: '9223372036854775807', kind: 'long', min: 0, brokerName: 'log.flush.interval.ms' },
  'index.interval.bytes': { default: '4096', kind: 'int', min: 0, brokerName: 'log.index.interval.bytes' },
  'max.compaction.lag.ms': { default: '9223372036854775807', kind: 'long', min: 1, brokerName: 'log.cleaner.max.compaction.lag.ms' },
  'max.message.bytes': { default: '1048588', kind: 'int', min: 0, brokerName: 'message.max.bytes' },
  'message.timestamp.type': { default: 'CreateTime', kind: 'enum', values: ['CreateTime', 'LogAppendTime'], brokerName: 'log.message.timestamp.type' },
  'min.cleanable.dirty.ratio': { default: '0.5', kind: 'double', min: 0, max: 1, brokerName: 'log.cleaner.min.cleanable.ratio' },
  'min.compaction.lag.ms': { default: '0', kind: 'long', min: 0, brokerName: 'log.cleaner.min.compaction.lag.ms' },
  'min.insync.replicas': { default: '1', kind: 'int', min: 1, brokerName: 'min.insync.replicas' },
  'preallocate': { default: 'false', kind: 'boolean', brokerName: 'log.preallocate' },
  'retention.bytes': { default: '-1', kind: 'long', min: -1, brokerName: 'log.retention.bytes' },
  'retention.ms': { default: '604800000', kind: 'long', min: -1, brokerName: 'log.retention.ms' },
  'segment.bytes': { default: '1073741824', kind: 'int', min: 14, brokerName: 'log.segment.bytes' },
  'segment.index.bytes': { default: '10485760', kind: 'int', min: 4, brokerName: 'log.index.size.max.bytes' },
  'segment.jitter.ms': { default: '0', kind: 'long', min: 0, brokerName: 'log.roll.jitter.ms' },
  'segment.ms': { default: '604800000', kind: 'long', min: 1, brokerName: 'log.roll.ms' },
  'unclean.leader.election.enable': { default: 'false', kind: 'boolean', brokerName: 'unclean.leader.election.enable' },
  'message.downconversion.enable': { default: 'true', kind: 'boolean', brokerName: 'log.message.downconversion.enable' },
  // Kafka 3.9's other topic configs: accepted, validated and shown. The timestamp bounds are applied
  // (apis/record-errors.ts); the compression levels, tiered storage (local.retention.*, remote.*) and
  // replication throttles have nothing to act on in one broker that stores batches as they come.
  'compression.gzip.level': { default: '-1', kind: 'int', min: -1, max: 9, brokerName: 'compression.gzip.level' },
  'compression.lz4.level': { default: '9', kind: 'int', min: 1, max: 17, brokerName: 'compression.lz4.level' },
  'compression.zstd.level': { default: '3', kind: 'int', min: -131072, max: 22, brokerName: 'compression.zstd.level' },
  'follower.replication.throttled.replicas': { default: '', kind: 'list', accepts: throttledReplicas },
  'leader.replication.throttled.replicas': { default: '', kind: 'list', accepts: throttledReplicas },
  'local.retention.bytes': { default: '-2', kind: 'long', min: -2, brokerName: 'log.local.retention.bytes' },
  'local.retention.ms': { default: '-2', kind: 'long', min: -2, brokerName: 'log.local.retention.ms' },
  'message.timestamp.after.max.ms': { default: '9223372036854775807', kind: 'long', min: 0, brokerName: 'log.message.timestamp.after.max.ms' },
  'message.timestamp.before.max.ms': { default: '9223372036854775807', kind: 'long', min: 0, brokerName: 'log.message.timestamp.before.max.ms' },
  'remote.log.copy.disable': { default: 'false', kind: 'boolean' },
  'remote.log.delete.on.disable': { default: 'false', kind: 'boolean' },
  'remote.storage.enable': { default: 'false', kind: 'boolean' },
  // Deprecated in Kafka 3.x but valid there. The first is applied to CreateTime records (apis/record-errors.ts);
  // message.format.version has no effect (every batch is v2).
  'message.timestamp.difference.max.ms': { default: '9223372036854775807', kind: 'long', min: 0, brokerName: 'log.message.timestamp.difference.max.ms' },
  'message.format.version': {
    default: DEFAULT_MESSAGE_FORMAT_VERSION,
    kind: 'string',
    brokerName: 'log.message.format.version',
    accepts: { test: isMessageFormatVersion, reason: (v) => `Version ${v} is not a valid version` },
  },
};

export function invalidConfig(message: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_CONFIG, message);
}

/** Checks one name/value pair; throws INVALID_CONFIG naming the key when it is wrong. */
export function validateTopicConfig(name: string, value: string | null): void {
  const def = topicConfigDefs[name];
  if (!def) throw invalidConfig(`Unknown topic config name: ${name}`);
  if (value === null) return; // null means "back to the default"
  switch (def.kind) {
    case 'long':
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) throw invalidConfig(`Invalid value ${value} for configuration ${name}: not a number`);
      const n = Number(value);
      const big = BigInt(value.trim());
      if (def.kind === 'long' && (big > INT64_MAX || big < INT64_MIN)) {
        throw invalidConfig(`Invalid value ${value} for configuration ${name}: not a 64-bit integer`);
      }
      if (def.kind === 'int' && (n > 2147483647 || n < -2147483648)) {
        throw invalidConfig(`Invalid value ${value} for configuration ${name}: not a 32-bit integer`);
      }
      if (def.min !== undefined && def.max !== undefined && (n < def.min || n > def.max)) {
        throw invalidConfig(`Invalid value ${value} for configuration ${name}: Value must be between ${def.min} and ${def.max}`);
      }
      if (def.min !== undefined && n < def.min) {
        throw invalidConfig(`Invalid value ${value} for configuration ${name}: Value must be at least ${def.min}`);
      }
      return;
    }
    case 'double': {
      const n = Number(value.trim());
      if (value.trim() === '' || !Number.isFinite(n)) throw invalidConfig(`Invalid value ${value} for configuration ${name}: not a number`);
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
        throw invalidConfig(`Invalid value ${value} for configuration ${name}: Value must be between ${def.min} and ${def.max}`);
      }
      return;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw invalidConfig(`Invalid value ${value} for configuration ${name}: expected true or false`);
      return;
    case 'enum':
      if (!def.values!.includes(value)) {
        throw invalidConfig(`Invalid value ${value} for configuration ${name}: String must be one of: ${def.values!.join(', ')}`);
      }
      return;
    case 'list':
      if (def.accepts) {
        if (!def.accepts.test(value)) throw invalidConfig(`Invalid value ${value} for configuration ${name}: ${def.accepts.reason(value)}`);
        return;
      }
      for (const item of value.split(',').map((s) => s.trim())) {
        if (!def.values!.includes(item)) {
          throw invalidConfig(`Invalid value ${value} for configuration ${name}: each item must be one of: ${def.values!.join(', ')}`);
        }
      }
      return;
    case 'string':
      if (def.accepts && !def.accepts.test(value)) throw invalidConfig(`Invalid value ${value} for configuration ${name}: ${def.accepts.reason(value)}`);
      return;
  }
}

/**
 * Kafka's ConfigType codes, as DescribeConfigs v3+ reports them: UNKNOWN 0,
 * BOOLEAN 1, STRING 2, INT 3, SHORT 4, LONG 5, DOUBLE 6, LIST 7, CLASS 8,
 * PASSWORD 9 (enums are strings to Kafka).
 */
export function configTypeCode(name: string): number {
  switch (topicConfigDefs[name]?.kind) {
    case 'boolean':
      return 1;
    case 'int':
      return 3;
    case 'long':
      return 5;
    case 'double':
      return 6;
    case 'list':
      return 7;
    case 'string':
    case 'enum':
      return 2;
    default:
      return 0;
  }
}
