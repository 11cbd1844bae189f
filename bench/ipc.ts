// The messages exchanged over IPC between the bench (bench/run.ts, through
// bench/broker-handle.ts) and the broker child (bench/broker-process.ts).

/** Broker-side counters, sampled in the child on request. */
export interface BrokerStats {
  /** process.cpuUsage() of the broker process, in microseconds. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Sum of Partition.appendedRecords / appendedBytes over every partition (record-batch bytes, as produced). */
  appendedRecords: number;
  appendedBytes: number;
  /** Sum of every partition's log size in bytes (PartitionLog.size: all its segments). */
  logBytes: number;
  /** Sum of the partitions' group-commit fsync rounds (PartitionLog.flushCount). */
  fsyncs: number;
}

export type ChildRequest =
  | { type: 'stats'; id: number }
  | { type: 'create-topic'; id: number; name: string; partitions: number }
  | { type: 'all-opened'; id: number }
  | { type: 'shutdown'; id: number };

export type ChildMessage =
  | { type: 'ready'; address: string; port: number; dataDir: string }
  | { type: 'start-failed'; error: string }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; msg: string; extra?: Record<string, unknown> }
  | { type: 'reply'; id: number; ok: true; stats?: BrokerStats; startToOpenedMs?: number }
  | { type: 'reply'; id: number; ok: false; error: string };
