// The "consumer" embedded protocol (ConsumerProtocolSubscription /
// ConsumerProtocolAssignment): the bytes Java, kafkajs, librdkafka and
// @platformatic/kafka consumers put in JoinGroup metadata and SyncGroup
// assignments. The coordinator only reads them: subscribed topics (for
// OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC) and assignments (for metrics).
//
// Layout (non-flexible, int16 version prefix). Newer versions only append
// fields, so every version is read with the version-0 prefix plus what we know.
//   Subscription: version int16, topics [string], userData nullable bytes,
//                 v1+ ownedPartitions [topic string, partitions [int32]],
//                 v2+ generationId int32, v3+ rackId nullable string
//   Assignment:   version int16, assignedPartitions [topic string, partitions [int32]],
//                 userData nullable bytes
import { Reader, Writer } from '../protocol/codec.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitions[];
}

export interface ConsumerAssignment {
  version: number;
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  const n = r.readArrayLength();
  const out: TopicPartitions[] = [];
  for (let i = 0; i < n; i++) {
    const topic = r.readString();
    const count = r.readArrayLength();
    const partitions: number[] = [];
    for (let j = 0; j < count; j++) partitions.push(r.readInt32());
    out.push({ topic, partitions });
  }
  return out;
}

/** Decodes a subscription; throws ProtocolDecodeError on malformed bytes. */
export function decodeSubscription(buf: Buffer): ConsumerSubscription {
  const r = new Reader(buf);
  const version = r.readInt16();
  const n = r.readArrayLength();
  const topics: string[] = [];
  for (let i = 0; i < n; i++) topics.push(r.readString());
  const userData = r.remaining > 0 ? r.readNullableBytes() : null;
  const ownedPartitions = version >= 1 && r.remaining > 0 ? readTopicPartitions(r) : [];
  return { version, topics, userData, ownedPartitions };
}

/**
 * Decodes an assignment. An empty buffer (what the coordinator hands members
 * the leader left out, and what some clients send for "nothing") is an empty
 * assignment.
 */
export function decodeAssignment(buf: Buffer): ConsumerAssignment {
  if (buf.length === 0) return { version: 0, assignedPartitions: [], userData: null };
  const r = new Reader(buf);
  const version = r.readInt16();
  const assignedPartitions = readTopicPartitions(r);
  const userData = r.remaining > 0 ? r.readNullableBytes() : null;
  return { version, assignedPartitions, userData };
}

/** Decodes, or null when the bytes are not a valid consumer-protocol message. */
export function tryDecode<T>(decode: (buf: Buffer) => T, buf: Buffer): T | null {
  try {
    return decode(buf);
  } catch {
    return null;
  }
}

function writeTopicPartitions(w: Writer, list: TopicPartitions[]): void {
  w.writeArrayLength(list.length);
  for (const tp of list) {
    w.writeString(tp.topic);
    w.writeArrayLength(tp.partitions.length);
    for (const p of tp.partitions) w.writeInt32(p);
  }
}

/** Encoders, for tests and raw-protocol clients. */
export function encodeSubscription(topics: string[], userData: Buffer | null = null, version = 0): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  w.writeArrayLength(topics.length);
  for (const t of topics) w.writeString(t);
  w.writeNullableBytes(userData);
  if (version >= 1) w.writeArrayLength(0);
  if (version >= 2) w.writeInt32(-1);
  if (version >= 3) w.writeNullableString(null);
  return w.toBuffer();
}

export function encodeAssignment(assigned: TopicPartitions[], userData: Buffer | null = null, version = 0): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  writeTopicPartitions(w, assigned);
  w.writeNullableBytes(userData);
  return w.toBuffer();
}
