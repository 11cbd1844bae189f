// Control batches: the commit/abort markers the transaction coordinator writes
// into partitions. One record per batch; key = version int16 (0) + type int16
// (0 abort, 1 commit); value = version int16 (0) + coordinatorEpoch int32.

import { buildBatch } from './records.js';

export const ControlRecordType = { ABORT: 0, COMMIT: 1 } as const;
export type ControlType = 'abort' | 'commit';

export interface ControlMarker {
  version: number;
  /** 'abort' | 'commit', or the raw number for types this code does not know. */
  type: ControlType | number;
  /** Present for abort/commit markers whose value parsed. */
  coordinatorEpoch?: number;
}

export interface ControlBatchOptions {
  type: ControlType;
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** Default Date.now(). */
  timestamp?: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
}

/** Encodes the 4-byte key of a control record. */
export function encodeControlKey(type: ControlType): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type === 'commit' ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 2);
  return key;
}

/** Builds a transactional control batch holding one commit/abort marker. */
export function buildControlBatch(opts: ControlBatchOptions): Buffer {
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(opts.coordinatorEpoch, 2);
  const timestamp = opts.timestamp ?? Date.now();
  return buildBatch({
    records: [{ key: encodeControlKey(opts.type), value, timestamp }],
    baseOffset: opts.baseOffset ?? 0,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? -1,
    baseTimestamp: timestamp,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: -1, // markers carry no sequence
    isTransactional: true,
    isControl: true,
  });
}

/** Parses a control record's key (and value, when it is an abort/commit marker). */
export function parseControlRecord(key: Buffer | null, value: Buffer | null): ControlMarker {
  if (!key || key.length < 4) throw new RangeError('control record key must be at least 4 bytes');
  const version = key.readInt16BE(0);
  const rawType = key.readInt16BE(2);
  const type: ControlType | number =
    rawType === ControlRecordType.COMMIT ? 'commit' : rawType === ControlRecordType.ABORT ? 'abort' : rawType;
  const marker: ControlMarker = { version, type };
  if (typeof type === 'string' && value && value.length >= 6) marker.coordinatorEpoch = value.readInt32BE(2);
  return marker;
}
