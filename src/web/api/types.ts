// The console's JSON API, as the server answers it and the page reads it: one
// shape per resource under /api/console/. Every GET resource has a live twin
// under /api/console/live/<same path and query>: a Server-Sent Events stream
// whose `data:` lines carry the same shape, sent when it changes and at most
// LIVE_MAX_PER_SECOND times a second (each event's `id:` is the server's clock
// in unix ms; an error is an `event: error` with the error body, and a 404 ends
// the stream). With API keys on, read the live twins with fetch() and a stream
// reader: EventSource cannot send the Authorization header. This file holds
// types only, so the page (src/web/app) imports it without pulling any server
// code in; src/web/api/schemas.ts checks every answer against it.

/** Most events per second a live stream sends (the page redraws no faster). */
export const LIVE_MAX_PER_SECOND = 4;

/** A figure sampled over time: [unix ms, value] pairs, oldest first. */
export type Series = [number, number][];

/** Something checked: "ok (1 broker)" or the error it gave. */
export interface Health {
  ok: boolean;
  text: string;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  controller: boolean;
}

export interface DeadLetterTopicSummary {
  /** e.g. `baskets.dlq` */
  topic: string;
  /** The topic its letters came from and replay sends them back to. */
  source: string;
  /** Records in it now (end minus start offsets). */
  count: number;
}

/** GET /api/console/overview */
export interface Overview {
  clusterId: string | null;
  brokers: BrokerInfo[];
  topics: number;
  partitions: number;
  groups: number;
  /** Records per second appended to all topics / committed by all groups, over the last sample window. */
  inPerSec: number;
  outPerSec: number;
  /** The last hour of inPerSec and outPerSec, bounded. */
  inHistory: Series;
  outHistory: Series;
  health: { broker: Health; database: Health | null };
  deadLetters: DeadLetterTopicSummary[];
  /** Which systems this process runs (empty for `tributary console` alone). */
  systems: { name: string; description: string }[];
  /** True when API_KEYS is set: the page must send `Authorization: Bearer <key>`. */
  authRequired: boolean;
}

export interface GroupLagSummary {
  group: string;
  /** Sum over the topic's partitions of end minus committed. */
  lag: number;
}

/** GET /api/console/topics: one row per topic. */
export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicas: number;
  /** Sum of the partitions' start (log start) and end (high watermark) offsets. */
  startOffset: number;
  endOffset: number;
  records: number;
  /** Bytes on disk, when the broker answers DescribeLogDirs; else null. */
  sizeBytes: number | null;
  /** Records per second appended, now and over the last minutes (sparkline). */
  rate: number;
  rateHistory: Series;
  /** The consumer groups that have committed offsets on this topic, with their lag. */
  groups: GroupLagSummary[];
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  startOffset: number;
  endOffset: number;
  sizeBytes: number | null;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  isDefault: boolean;
  readOnly: boolean;
  sensitive: boolean;
}

/** GET /api/console/topics/:topic */
export interface TopicDetail extends TopicSummary {
  partitionInfo: PartitionInfo[];
  configs: ConfigEntry[];
}

/** POST /api/console/topics */
export interface CreateTopicRequest {
  name: string;
  partitions: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}
/** PUT /api/console/topics/:topic/configs: set these (null: back to the default). */
export interface AlterConfigsRequest {
  configs: Record<string, string | null>;
}
/** POST /api/console/topics/:topic/delete-records: records before `offset` go. */
export interface DeleteRecordsRequest {
  partitions: { partition: number; offset: number }[];
}
/** Each partition's start offset after the deletion. */
export interface DeleteRecordsResult {
  partitions: { partition: number; startOffset: number }[];
}

export type ValueFormat = 'null' | 'json' | 'protobuf' | 'text' | 'binary';

export interface DecodedField {
  format: ValueFormat;
  /** JSON and protobuf: the value as JSON; text: the string; binary: base64; null: null. */
  value: unknown;
  /** protobuf: the message type, e.g. `tributary.activity.v1.UserActivity`. */
  type?: string;
  /** Bytes before decoding. */
  size: number;
}

export interface ConsoleMessage {
  topic: string;
  partition: number;
  offset: number;
  /** Unix ms. */
  timestamp: number;
  key: DecodedField;
  value: DecodedField;
  headers: Record<string, string>;
}

/**
 * GET /api/console/topics/:topic/messages?partition=&from=&offset=&time=&limit=&key=&text=&jsonPath=&jsonValue=
 *   partition: one partition (default all); from: `offset` (with offset=N), `end`
 *   (the last `limit` records; default), `start`, or `time` (with time=unix ms or ISO 8601);
 *   limit: 1..500 (default 50); key: exact key; text: substring of key, value or headers;
 *   jsonPath: a dotted path like `customer.id` or `items[0].price`, with jsonValue: the
 *   value it must have as text (without jsonValue: the path must exist).
 * The live twin tails: each event holds the records appended since the last one.
 */
export interface MessagesPage {
  messages: ConsoleMessage[];
  /** Per partition, the offset the next page starts from. */
  next: Record<string, number>;
  /** Records looked at to fill the page (filters skip some). */
  scanned: number;
}

/** POST /api/console/topics/:topic/messages */
export interface ProduceRequest {
  key?: string | null;
  value: string | null;
  headers?: Record<string, string>;
  partition?: number;
}
export interface ProduceResult {
  partition: number;
  offset: number;
}

/** GET /api/console/groups: one row per group. */
export interface GroupSummary {
  group: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: number;
  topics: string[];
  lag: number;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  /** -1 when the group committed nothing on it. */
  committed: number;
  endOffset: number;
  lag: number;
  /** Age in ms of the oldest unconsumed record (0 when lag is 0; null when unknown). */
  lagMs: number | null;
  /** The member it is assigned to, if any. */
  memberId: string | null;
}

/** GET /api/console/groups/:group */
export interface GroupDetail extends GroupSummary {
  membersInfo: GroupMember[];
  offsets: GroupPartitionLag[];
  maxLagMs: number | null;
  /** Total lag over the last hour, sampled by this process (bounded). */
  lagHistory: Series;
}

/** POST /api/console/groups/:group/reset (the group must be Empty or Dead: 409 otherwise). */
export interface ResetOffsetsRequest {
  to: 'earliest' | 'latest' | 'time';
  /** With to=time: unix ms or ISO 8601. */
  time?: number | string;
  /** Only this topic (default: every topic the group committed on). */
  topic?: string;
}

export interface GraphNodeView {
  id: string;
  kind: 'topic' | 'agent' | 'table';
  name: string;
  /** Agents: group; topics: partitions; tables: size, ... as the app declares. */
  details: Record<string, unknown>;
  /** Topics: records/s appended; agents: records/s they consume. */
  rate: number | null;
  /** Agents: their group's total lag. */
  lag: number | null;
}

export interface GraphEdgeView {
  from: string;
  to: string;
  kind: 'reads' | 'writes' | 'updates' | 'dead-letters';
  /** Records/s along the edge: the rate of the topic it reads or writes. */
  rate: number | null;
}

/** GET /api/console/graph: each system's processing graph, from its app's declaration. */
export interface GraphView {
  systems: { name: string; description: string; nodes: GraphNodeView[]; edges: GraphEdgeView[] }[];
  deadLetters: DeadLetterTopicSummary[];
}

/** GET /api/console/dead-letters/:topic/messages: as MessagesPage, newest first, with the error headers. */
export interface DeadLetterMessage extends ConsoleMessage {
  error: string | null;
  errorType: string | null;
  attempts: number | null;
  failedAt: string | null;
  source: { topic: string; partition: number; offset: number } | null;
}
export interface DeadLettersPage {
  topic: string;
  source: string;
  count: number;
  messages: DeadLetterMessage[];
}

/** POST /api/console/dead-letters/:topic/replay: one letter ({partition, offset}) or all ({}). */
export interface ReplayRequest {
  partition?: number;
  offset?: number;
}
export interface ReplayResult {
  replayed: number;
  skipped: number;
}

/** GET /api/console/systems/baskets/stress: the last stress run (POST starts one: {count, concurrency?}). */
export interface StressRunView {
  id: number;
  running: boolean;
  count: number;
  /** Baskets posted / acknowledged / stored so far. */
  posted: number;
  acknowledged: number;
  stored: number;
  result: {
    seconds: number;
    ratePerSec: number;
    latencyMs: { p50: number; p95: number; p99: number; max: number };
    lost: number;
    failed: number;
  } | null;
  error: string | null;
}

/** GET /api/console/systems/players?limit=: the last players produced (default 20), newest first. */
export interface PlayersPanel {
  topic: string;
  /** Records on the topic now. */
  count: number;
  players: { partition: number; offset: number; timestamp: number; key: string | null; player: unknown }[];
}

/** GET /api/console/systems/state: the state the API serves now (POST with {state, text?} sends one). */
export interface StatePanel {
  topic: string;
  state: number;
  /** The message it came from, null before any. */
  message: { message_id?: string | number; text?: string; state: number } | null;
}
export interface SendStateRequest {
  state: number;
  text?: string;
}

/** GET /api/console/systems/activity: the usage counts (all-time per endpoint and client, per minute). */
export interface ActivityPanel {
  totals: { endpoint: string; method: string; count: number }[];
  byClient: { client: string; count: number }[];
  perMinute: { windowStart: string; windowEnd: string; endpoint: string; method: string; client: string; count: number; final: boolean }[];
}

/** GET /api/console/systems/sessions?q=&limit=: first/last seen per user; q filters by userId substring. */
export interface SessionsPanel {
  /** Users summarized in all. */
  total: number;
  /** Users matching q. */
  matched: number;
  /** At most `limit` (default 100) of them, by userId. */
  summaries: { userId: string; firstSeen: number; lastSeen: number }[];
}

/** GET /api/console/systems/baskets: what the baskets worker computed over what is stored. */
export interface BasketsPanel {
  /** Share of all stored products per category, 0..1. */
  categoryShare: Record<string, number>;
  /** Average basket total_price (euros). */
  averageTotal: number;
  averageTotalByStore: Record<string, number>;
  baskets: number;
}

/** POST /api/console/systems/baskets/stress */
export interface StressRequest {
  count: number;
  concurrency?: number;
}
