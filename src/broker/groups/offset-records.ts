// Record keys and values of the `__consumer_offsets` topic.
//
// Committed offsets and group metadata use Kafka's own layouts, so Kafka's
// tooling (e.g. kafka-console-consumer with the offsets formatter) could read
// them; pending transactional offsets and their outcome use two key versions
// of our own (Kafka writes those as transactional batches plus control
// markers; plain records keep this topic free of producer state).
// Strings are int16-length UTF-8, integers big-endian.
//
//   key v1   offset commit     group, topic, partition int32
//     value v3                 offset int64, leaderEpoch int32, metadata string, commitTimestamp int64
//     null value               tombstone (OffsetDelete, DeleteGroups)
//   key v2   group metadata    group
//     value v3                 protocolType string, generation int32, protocol nullable string,
//                              leader nullable string, stateTimestamp int64, members [] (always empty:
//                              membership is not kept across restarts)
//     null value               tombstone (DeleteGroups)
//   key v100 pending txn offset producerId int64, producerEpoch int16, group, topic, partition int32
//     value v3                 as for an offset commit
//   key v101 txn outcome        producerId int64
//     value v0                 result int8 (1 commit, 0 abort)
import { Reader, Writer } from '../protocol/codec.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

const KEY_OFFSET_V0 = 0;
const KEY_OFFSET = 1;
const KEY_GROUP = 2;
const KEY_PENDING = 100;
const KEY_TXN_OUTCOME = 101;
const OFFSET_VALUE_VERSION = 3;
const GROUP_VALUE_VERSION = 3;

export interface OffsetValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface GroupValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  stateTimestamp: number;
}

export type OffsetsRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetValue | null }
  | { type: 'group'; group: string; value: GroupValue | null }
  | { type: 'pending'; producerId: number; producerEpoch: number; group: string; topic: string; partition: number; value: OffsetValue }
  | { type: 'txn-outcome'; producerId: number; commit: boolean };

function build(write: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  write(w);
  return w.toBuffer();
}

export function offsetKey(group: string, topic: string, partition: number): Buffer {
  return build((w) => {
    w.writeInt16(KEY_OFFSET);
    w.writeString(group);
    w.writeString(topic);
    w.writeInt32(partition);
  });
}

export function offsetValue(v: OffsetValue): Buffer {
  return build((w) => writeOffsetValue(w, v));
}

function writeOffsetValue(w: Writer, v: OffsetValue): void {
  w.writeInt16(OFFSET_VALUE_VERSION);
  w.writeInt64(BigInt(v.offset));
  w.writeInt32(v.leaderEpoch);
  w.writeString(v.metadata);
  w.writeInt64(BigInt(v.commitTimestamp));
}

export function groupKey(group: string): Buffer {
  return build((w) => {
    w.writeInt16(KEY_GROUP);
    w.writeString(group);
  });
}

export function groupValue(v: GroupValue): Buffer {
  return build((w) => {
    w.writeInt16(GROUP_VALUE_VERSION);
    w.writeString(v.protocolType);
    w.writeInt32(v.generation);
    w.writeNullableString(v.protocol);
    w.writeNullableString(v.leader);
    w.writeInt64(BigInt(v.stateTimestamp));
    w.writeArrayLength(0);
  });
}

export function pendingKey(producerId: number, producerEpoch: number, group: string, topic: string, partition: number): Buffer {
  return build((w) => {
    w.writeInt16(KEY_PENDING);
    w.writeInt64(BigInt(producerId));
    w.writeInt16(producerEpoch);
    w.writeString(group);
    w.writeString(topic);
    w.writeInt32(partition);
  });
}

export function txnOutcomeKey(producerId: number): Buffer {
  return build((w) => {
    w.writeInt16(KEY_TXN_OUTCOME);
    w.writeInt64(BigInt(producerId));
  });
}

export function txnOutcomeValue(commit: boolean): Buffer {
  return build((w) => {
    w.writeInt16(0);
    w.writeInt8(commit ? 1 : 0);
  });
}

function readOffsetValue(r: Reader): OffsetValue {
  const version = r.readInt16();
  if (version !== OFFSET_VALUE_VERSION) throw new Error(`unsupported offset value version ${version}`);
  return {
    offset: Number(r.readInt64()),
    leaderEpoch: r.readInt32(),
    metadata: r.readString(),
    commitTimestamp: Number(r.readInt64()),
  };
}

/** Decodes one record; null for key versions this broker does not know (skipped on replay). */
export function decodeOffsetsRecord(key: Buffer, value: Buffer | null): OffsetsRecord | null {
  const k = new Reader(key);
  const keyVersion = k.readInt16();
  switch (keyVersion) {
    case KEY_OFFSET_V0:
    case KEY_OFFSET: {
      const group = k.readString();
      const topic = k.readString();
      const partition = k.readInt32();
      return { type: 'offset', group, topic, partition, value: value === null ? null : readOffsetValue(new Reader(value)) };
    }
    case KEY_GROUP: {
      const group = k.readString();
      if (value === null) return { type: 'group', group, value: null };
      const r = new Reader(value);
      const version = r.readInt16();
      if (version !== GROUP_VALUE_VERSION) throw new Error(`unsupported group value version ${version}`);
      return {
        type: 'group',
        group,
        value: {
          protocolType: r.readString(),
          generation: r.readInt32(),
          protocol: r.readNullableString(),
          leader: r.readNullableString(),
          stateTimestamp: Number(r.readInt64()),
        },
      };
    }
    case KEY_PENDING: {
      const producerId = Number(k.readInt64());
      const producerEpoch = k.readInt16();
      const group = k.readString();
      const topic = k.readString();
      const partition = k.readInt32();
      if (value === null) return null;
      return { type: 'pending', producerId, producerEpoch, group, topic, partition, value: readOffsetValue(new Reader(value)) };
    }
    case KEY_TXN_OUTCOME: {
      const producerId = Number(k.readInt64());
      if (value === null) return null;
      const r = new Reader(value);
      r.readInt16();
      return { type: 'txn-outcome', producerId, commit: r.readInt8() === 1 };
    }
    default:
      return null;
  }
}

/** Kafka's partition for a group: abs(Java String.hashCode) mod the partition count. */
export function partitionForGroup(groupId: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(h, 31) + groupId.charCodeAt(i)) | 0;
  // Kafka's Utils.abs maps Integer.MIN_VALUE to 0.
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitions;
}
