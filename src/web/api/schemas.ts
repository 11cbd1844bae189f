// The console API's shapes as zod schemas: they validate what comes in, check
// what goes out, and document every route at /docs. Each is typed against its
// interface in types.ts (the page's import-type-only contract), so the two
// cannot drift apart without the compiler saying so.
import { z } from 'zod';
import type * as T from './types.js';

const int = () => z.number().int();
const SeriesSchema: z.ZodType<T.Series> = z.array(z.tuple([z.number(), z.number()])).describe('[unix ms, value] pairs, oldest first');
const HealthSchema: z.ZodType<T.Health> = z.object({ ok: z.boolean(), text: z.string() });

export const DeadLetterTopicSummary: z.ZodType<T.DeadLetterTopicSummary> = z.object({ topic: z.string(), source: z.string(), count: int() });

export const Overview: z.ZodType<T.Overview> = z.object({
  clusterId: z.string().nullable(),
  brokers: z.array(z.object({ nodeId: int(), host: z.string(), port: int(), controller: z.boolean() })),
  topics: int(),
  partitions: int(),
  groups: int(),
  inPerSec: z.number().describe('Records per second appended to all topics'),
  outPerSec: z.number().describe('Records per second committed by all groups'),
  inHistory: SeriesSchema,
  outHistory: SeriesSchema,
  health: z.object({ broker: HealthSchema, database: HealthSchema.nullable() }),
  deadLetters: z.array(DeadLetterTopicSummary),
  systems: z.array(z.object({ name: z.string(), description: z.string() })),
  authRequired: z.boolean(),
});

const TopicSummaryShape = {
  name: z.string(),
  internal: z.boolean(),
  partitions: int(),
  replicas: int(),
  startOffset: int(),
  endOffset: int(),
  records: int(),
  sizeBytes: int().nullable(),
  rate: z.number(),
  rateHistory: SeriesSchema,
  groups: z.array(z.object({ group: z.string(), lag: int() })),
};
export const TopicSummary: z.ZodType<T.TopicSummary> = z.object(TopicSummaryShape);

export const TopicDetail: z.ZodType<T.TopicDetail> = z.object({
  ...TopicSummaryShape,
  partitionInfo: z.array(
    z.object({ partition: int(), leader: int(), replicas: z.array(int()), isr: z.array(int()), startOffset: int(), endOffset: int(), sizeBytes: int().nullable() }),
  ),
  configs: z.array(z.object({ name: z.string(), value: z.string().nullable(), isDefault: z.boolean(), readOnly: z.boolean(), sensitive: z.boolean() })),
});

const TopicName = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(249, { error: 'must be at most 249 characters' })
  .regex(/^[a-zA-Z0-9._-]+$/, { error: 'must be letters, digits, ".", "_" or "-"' });

export const CreateTopicRequest: z.ZodType<T.CreateTopicRequest> = z.object({
  name: TopicName,
  partitions: int().min(1).max(10_000),
  replicationFactor: int().min(1).max(32).optional(),
  configs: z.record(z.string(), z.string()).optional(),
});

export const AlterConfigsRequest: z.ZodType<T.AlterConfigsRequest> = z.object({
  configs: z.record(z.string().min(1), z.string().nullable()).describe('Config name → value; null sets it back to the default'),
});

export const DeleteRecordsRequest: z.ZodType<T.DeleteRecordsRequest> = z.object({
  partitions: z.array(z.object({ partition: int().min(0), offset: int().min(0) })).min(1),
});
export const DeleteRecordsResult: z.ZodType<T.DeleteRecordsResult> = z.object({ partitions: z.array(z.object({ partition: int(), startOffset: int() })) });

const ValueFormat = z.enum(['null', 'json', 'protobuf', 'text', 'binary']);
const DecodedField: z.ZodType<T.DecodedField> = z.object({ format: ValueFormat, value: z.unknown(), type: z.string().optional(), size: int() });
const ConsoleMessageShape = {
  topic: z.string(),
  partition: int(),
  offset: int(),
  timestamp: int(),
  key: DecodedField,
  value: DecodedField,
  headers: z.record(z.string(), z.string()),
};
export const ConsoleMessage: z.ZodType<T.ConsoleMessage> = z.object(ConsoleMessageShape);

export const MessagesPage: z.ZodType<T.MessagesPage> = z.object({
  messages: z.array(ConsoleMessage),
  next: z.record(z.string(), int()).describe('Per partition, the offset the next page starts from'),
  scanned: int(),
});

// Offsets, partitions and times are read as text and checked by the route, so a bad one is a 400 naming it.
export const MessagesQuery = z.object({
  partition: z.string().optional().describe('One partition (default all)'),
  from: z.enum(['offset', 'end', 'start', 'time']).optional().describe('Where to start: end (the last `limit` records, default), start, offset (with offset=N) or time (with time=)'),
  offset: z.string().optional(),
  time: z.string().optional().describe('unix ms or ISO 8601'),
  limit: z.coerce.number().int().min(1).max(500).optional().describe('1..500, default 50'),
  key: z.string().optional().describe('Only records with exactly this key'),
  text: z.string().optional().describe('Only records whose key, value or headers contain it (case ignored)'),
  jsonPath: z.string().optional().describe('Only records whose JSON value has this path (customer.id, items[0].price)'),
  jsonValue: z.string().optional().describe('With jsonPath: the value it must have, as text'),
});

export const ProduceRequest: z.ZodType<T.ProduceRequest> = z.object({
  key: z.string().nullable().optional(),
  value: z.string().nullable().describe('The value as text (JSON goes as its text); null: a tombstone'),
  headers: z.record(z.string(), z.string()).optional(),
  partition: int().min(0).optional(),
});
export const ProduceResult: z.ZodType<T.ProduceResult> = z.object({ partition: int(), offset: int() });

const GroupSummaryShape = {
  group: z.string(),
  state: z.string().describe('Empty, Stable, PreparingRebalance, CompletingRebalance or Dead'),
  protocolType: z.string(),
  protocol: z.string(),
  members: int(),
  topics: z.array(z.string()),
  lag: int(),
};
export const GroupSummary: z.ZodType<T.GroupSummary> = z.object(GroupSummaryShape);
export const GroupDetail: z.ZodType<T.GroupDetail> = z.object({
  ...GroupSummaryShape,
  membersInfo: z.array(z.object({ memberId: z.string(), clientId: z.string(), host: z.string(), assignment: z.array(z.object({ topic: z.string(), partitions: z.array(int()) })) })),
  offsets: z.array(
    z.object({ topic: z.string(), partition: int(), committed: int(), endOffset: int(), lag: int(), lagMs: z.number().nullable(), memberId: z.string().nullable() }),
  ),
  maxLagMs: z.number().nullable(),
  lagHistory: SeriesSchema,
});
export const ResetOffsetsRequest: z.ZodType<T.ResetOffsetsRequest> = z.object({
  to: z.enum(['earliest', 'latest', 'time']),
  time: z.union([z.number(), z.string()]).optional(),
  topic: z.string().optional(),
});

const GraphNodeView: z.ZodType<T.GraphNodeView> = z.object({
  id: z.string(),
  kind: z.enum(['topic', 'agent', 'table']),
  name: z.string(),
  details: z.record(z.string(), z.unknown()),
  rate: z.number().nullable(),
  lag: int().nullable(),
});
const GraphEdgeView: z.ZodType<T.GraphEdgeView> = z.object({
  from: z.string(),
  to: z.string(),
  kind: z.enum(['reads', 'writes', 'updates', 'dead-letters']),
  rate: z.number().nullable(),
});
export const GraphView: z.ZodType<T.GraphView> = z.object({
  systems: z.array(z.object({ name: z.string(), description: z.string(), nodes: z.array(GraphNodeView), edges: z.array(GraphEdgeView) })),
  deadLetters: z.array(DeadLetterTopicSummary),
});

export const DeadLetterMessage: z.ZodType<T.DeadLetterMessage> = z.object({
  ...ConsoleMessageShape,
  error: z.string().nullable(),
  errorType: z.string().nullable(),
  attempts: int().nullable(),
  failedAt: z.string().nullable(),
  source: z.object({ topic: z.string(), partition: int(), offset: int() }).nullable(),
});
export const DeadLettersPage: z.ZodType<T.DeadLettersPage> = z.object({ topic: z.string(), source: z.string(), count: int(), messages: z.array(DeadLetterMessage) });
export const ReplayRequest: z.ZodType<T.ReplayRequest> = z.object({ partition: int().min(0).optional(), offset: int().min(0).optional() });
export const ReplayResult: z.ZodType<T.ReplayResult> = z.object({ replayed: int(), skipped: int() });

export const StressRunView: z.ZodType<T.StressRunView> = z.object({
  id: int(),
  running: z.boolean(),
  count: int(),
  posted: int(),
  acknowledged: int(),
  stored: int(),
  result: z
    .object({
      seconds: z.number(),
      ratePerSec: z.number(),
      latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() }),
      lost: int(),
      failed: int(),
    })
    .nullable(),
  error: z.string().nullable(),
});

export const PlayersPanel: z.ZodType<T.PlayersPanel> = z.object({
  topic: z.string(),
  count: int(),
  players: z.array(z.object({ partition: int(), offset: int(), timestamp: int(), key: z.string().nullable(), player: z.unknown() })),
});
export const StatePanel: z.ZodType<T.StatePanel> = z.object({
  topic: z.string(),
  state: int(),
  message: z.object({ message_id: z.union([z.string(), z.number()]).optional(), text: z.string().optional(), state: int() }).nullable(),
});
export const SendStateRequest: z.ZodType<T.SendStateRequest> = z.object({
  state: z.number().int({ error: 'must be an integer' }),
  text: z.string().max(10_000).optional(),
});
export const ActivityPanel: z.ZodType<T.ActivityPanel> = z.object({
  totals: z.array(z.object({ endpoint: z.string(), method: z.string(), count: int() })),
  byClient: z.array(z.object({ client: z.string(), count: int() })),
  perMinute: z.array(
    z.object({ windowStart: z.string(), windowEnd: z.string(), endpoint: z.string(), method: z.string(), client: z.string(), count: int(), final: z.boolean() }),
  ),
});
export const SessionsPanel: z.ZodType<T.SessionsPanel> = z.object({
  total: int(),
  matched: int(),
  summaries: z.array(z.object({ userId: z.string(), firstSeen: int(), lastSeen: int() })),
});
export const BasketsPanel: z.ZodType<T.BasketsPanel> = z.object({
  categoryShare: z.record(z.string(), z.number()),
  averageTotal: z.number(),
  averageTotalByStore: z.record(z.string(), z.number()),
  baskets: int(),
});
export const StressRequest: z.ZodType<T.StressRequest> = z.object({
  count: int().min(1).max(100_000),
  concurrency: int().min(1).max(256).optional(),
});
