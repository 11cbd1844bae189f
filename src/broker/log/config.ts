// Per-partition log settings, with Kafka's defaults and the mapping from
// Kafka topic config names (as sent in CreateTopics/AlterConfigs).

import { LogConfigError } from './errors.js';

/**
 * When the broker makes appended data durable:
 * - 'ack': the broker awaits PartitionLog.flush() before acknowledging acks=-1
 *   produces (group commit keeps this cheap under load). Default.
 * - 'interval': the log fsyncs on its own every flushMs after a write.
 * - 'none': leave it to the OS page cache (close() still syncs).
 */
export type FlushPolicy = 'ack' | 'interval' | 'none';
export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

export interface LogConfig {
  /** Roll to a new segment before this size is exceeded (segment.bytes). Max 2^31-1: index positions are int32. */
  segmentBytes: number;
  /** Roll when the segment's timestamps span more than this (segment.ms). */
  segmentMs: number;
  /** Delete sealed segments whose newest timestamp is older than this; -1 = forever (retention.ms). */
  retentionMs: number;
  /** Delete oldest sealed segments while the partition is bigger than this; -1 = no limit (retention.bytes). */
  retentionBytes: number;
  /** Bytes between sparse index entries (index.interval.bytes). */
  indexIntervalBytes: number;
  flushPolicy: FlushPolicy;
  /** fsync interval for flushPolicy 'interval' (flush.ms). */
  flushMs: number;
  messageTimestampType: TimestampTypeName;
  /** 'compact' alone turns time/size retention off; the log cleaner (cleaner.ts) compacts. */
  cleanupPolicy: CleanupPolicy;
  /** Largest batch accepted (max.message.bytes). */
  maxMessageBytes: number;
  /** CreateTime records further than this from the broker's clock are refused (message.timestamp.difference.max.ms; Long.MAX_VALUE, clamped, = off). */
  messageTimestampDifferenceMaxMs: number;
  /**
   * CreateTime records older / newer than the broker's clock by more than this
   * are refused (message.timestamp.before.max.ms / after.max.ms, Kafka 3.6+);
   * when left at Long.MAX_VALUE, message.timestamp.difference.max.ms applies
   * instead, as in Kafka.
   */
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
}

export const defaultLogConfig: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  flushPolicy: 'ack',
  flushMs: 1000,
  messageTimestampType: 'CreateTime',
  cleanupPolicy: 'delete',
  maxMessageBytes: 1048588,
  messageTimestampDifferenceMaxMs: Number.MAX_SAFE_INTEGER,
  messageTimestampBeforeMaxMs: Number.MAX_SAFE_INTEGER,
  messageTimestampAfterMaxMs: Number.MAX_SAFE_INTEGER,
});

const INT32_MAX = 2147483647;

const INT64_MAX = 9223372036854775807n;

/**
 * Parses an int/long config. Kafka longs default to Long.MAX_VALUE for
 * "never" (flush.ms, ...): values within int64 but beyond 2^53 are clamped to
 * Number.MAX_SAFE_INTEGER, which means the same thing here.
 */
function parseIntConfig(key: string, raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = raw.trim();
  if (!/^-?\d+$/.test(s)) throw new LogConfigError(key, `'${raw}' is not an integer`);
  let n = Number(s);
  if (!Number.isSafeInteger(n)) {
    const big = BigInt(s);
    if (big > INT64_MAX || big < -INT64_MAX - 1n) throw new LogConfigError(key, `'${raw}' is out of range`);
    n = big > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  if (n < min || n > max) throw new LogConfigError(key, `${n} must be between ${min} and ${max}`);
  return n;
}

/**
 * Builds a LogConfig from Kafka topic configs. Keys the log does not own
 * (min.insync.replicas, ...) are ignored; bad values throw LogConfigError
 * (INVALID_CONFIG) naming the key. `base` supplies unset values (broker defaults).
 */
export function logConfigFromTopicConfigs(configs: Record<string, string | null | undefined>, base: Readonly<LogConfig> = defaultLogConfig): LogConfig {
  const cfg: LogConfig = { ...base };
  let before: number | undefined;
  let after: number | undefined;
  for (const [key, raw] of Object.entries(configs)) {
    if (raw === null || raw === undefined) continue;
    switch (key) {
      case 'segment.bytes':
        cfg.segmentBytes = parseIntConfig(key, raw, 14, INT32_MAX);
        break;
      case 'segment.ms':
        cfg.segmentMs = parseIntConfig(key, raw, 1);
        break;
      case 'retention.ms':
        cfg.retentionMs = parseIntConfig(key, raw, -1);
        break;
      case 'retention.bytes':
        cfg.retentionBytes = parseIntConfig(key, raw, -1);
        break;
      case 'index.interval.bytes':
        cfg.indexIntervalBytes = parseIntConfig(key, raw, 0, INT32_MAX);
        break;
      case 'flush.ms':
        cfg.flushMs = parseIntConfig(key, raw, 0);
        break;
      case 'max.message.bytes':
        cfg.maxMessageBytes = parseIntConfig(key, raw, 0, INT32_MAX);
        break;
      case 'message.timestamp.difference.max.ms':
        cfg.messageTimestampDifferenceMaxMs = parseIntConfig(key, raw, 0);
        break;
      case 'message.timestamp.before.max.ms':
        before = parseIntConfig(key, raw, 0);
        break;
      case 'message.timestamp.after.max.ms':
        after = parseIntConfig(key, raw, 0);
        break;
      case 'message.timestamp.type': {
        const v = raw.trim();
        if (v !== 'CreateTime' && v !== 'LogAppendTime') {
          throw new LogConfigError(key, `'${raw}' must be CreateTime or LogAppendTime`);
        }
        cfg.messageTimestampType = v;
        break;
      }
      case 'cleanup.policy': {
        const parts = [...new Set(raw.split(',').map((p) => p.trim()).filter((p) => p !== ''))].sort();
        if (parts.length === 0 || parts.some((p) => p !== 'delete' && p !== 'compact')) {
          throw new LogConfigError(key, `'${raw}' must be delete, compact or compact,delete`);
        }
        cfg.cleanupPolicy = parts.length === 2 ? 'compact,delete' : (parts[0] as 'delete' | 'compact');
        break;
      }
      default:
        break;
    }
  }
  // Kafka: an explicit before/after bound wins; left at Long.MAX_VALUE, the older difference bound applies.
  const bound = (explicit: number | undefined, inherited: number) =>
    explicit !== undefined && explicit < Number.MAX_SAFE_INTEGER ? explicit : Math.min(inherited, cfg.messageTimestampDifferenceMaxMs);
  cfg.messageTimestampBeforeMaxMs = bound(before, base.messageTimestampBeforeMaxMs);
  cfg.messageTimestampAfterMaxMs = bound(after, base.messageTimestampAfterMaxMs);
  return cfg;
}

/**
 * Checks a LogConfig built in code (not from topic configs): the same bounds
 * as logConfigFromTopicConfigs, reported with the Kafka key names. The log
 * relies on them, e.g. index positions are int32 so segments stay < 2 GiB.
 */
export function validateLogConfig(cfg: LogConfig): void {
  const check = (key: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new LogConfigError(key, `${value} must be an integer between ${min} and ${max}`);
    }
  };
  check('segment.bytes', cfg.segmentBytes, 14, INT32_MAX);
  check('segment.ms', cfg.segmentMs, 1);
  check('retention.ms', cfg.retentionMs, -1);
  check('retention.bytes', cfg.retentionBytes, -1);
  check('index.interval.bytes', cfg.indexIntervalBytes, 0, INT32_MAX);
  check('flush.ms', cfg.flushMs, 0);
  check('max.message.bytes', cfg.maxMessageBytes, 0, INT32_MAX);
  if (!['ack', 'interval', 'none'].includes(cfg.flushPolicy)) throw new LogConfigError('flushPolicy', `'${cfg.flushPolicy}' must be ack, interval or none`);
  if (cfg.messageTimestampType !== 'CreateTime' && cfg.messageTimestampType !== 'LogAppendTime') {
    throw new LogConfigError('message.timestamp.type', `'${cfg.messageTimestampType}' must be CreateTime or LogAppendTime`);
  }
}
