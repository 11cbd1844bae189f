// A snapshot of every topic-partition for dashboards and /metrics: offsets,
// sizes and append rates, read in-process from the topic manager.
import type { TopicManager } from '../topics/topic-manager.js';

export interface PartitionMetrics {
  partition: number;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  lastStableOffset: number;
  /** Bytes on disk in the partition's segments. */
  sizeBytes: number;
  segments: number;
  /** Since the broker started. */
  appendedRecords: number;
  appendedBytes: number;
  /** Averages over the last 10 seconds. */
  recordsPerSecond: number;
  bytesPerSecond: number;
}

export interface TopicMetrics {
  name: string;
  id: string;
  internal: boolean;
  configs: Record<string, string>;
  partitions: PartitionMetrics[];
}

export function topicMetrics(topics: TopicManager): TopicMetrics[] {
  return topics
    .list()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({
      name: t.name,
      id: t.id,
      internal: t.internal,
      configs: { ...t.configs },
      partitions: t.partitions.map((p) => ({
        partition: p.index,
        logStartOffset: p.log.logStartOffset,
        logEndOffset: p.log.logEndOffset,
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset,
        sizeBytes: p.log.size,
        segments: p.log.segments.length,
        appendedRecords: p.appendedRecords,
        appendedBytes: p.appendedBytes,
        recordsPerSecond: p.recordRate.perSecond(),
        bytesPerSecond: p.byteRate.perSecond(),
      })),
    }));
}
