// The activity system's topic and tables. `Users` carries one protobuf
// BackendApiActivity per HTTP request, keyed by endpoint. The worker counts them
// in three changelog-backed tables; every entry is counted per input partition
// (its key ends in `@<partition>`) because a client's requests, keyed by
// endpoint, spread over partitions: each partition owns its share and the API
// adds the shares up. That keeps the counts right with any number of partitions,
// workers, or a producer that keys records differently.
import { z } from 'zod';
import type { App } from '../../stream/app.js';
import { protobuf } from '../../stream/serde.js';
import type { Table } from '../../stream/table.js';
import type { Topic } from '../../stream/topic.js';
import { BackendApiActivitySchema, type BackendApiActivity } from '../../gen/tributary/activity/v1/activity_pb.js';

export const USERS_TOPIC = 'Users';
export const USERS_PARTITIONS = 3;

/** Per-minute windows: 1 minute long, accepting events up to 10 s late, kept for an hour. */
export const WINDOW_MS = 60_000;
export const GRACE_MS = 10_000;
export const HISTORY_MS = 60 * WINDOW_MS;

export const activitySerde = protobuf(BackendApiActivitySchema);

export const EndpointCount = z.object({
  endpoint: z.string(),
  method: z.string(),
  partition: z.number().int(),
  count: z.number().int().nonnegative(),
});
export type EndpointCount = z.infer<typeof EndpointCount>;

export const ClientCount = z.object({
  client: z.string(),
  partition: z.number().int(),
  count: z.number().int().nonnegative(),
});
export type ClientCount = z.infer<typeof ClientCount>;

export const MinuteCount = z.object({
  windowStart: z.number().int(),
  windowEnd: z.number().int(),
  endpoint: z.string(),
  method: z.string(),
  client: z.string(),
  partition: z.number().int(),
  count: z.number().int().nonnegative(),
  /** True once stream time passed the window's end plus the grace period: the count is final. */
  final: z.boolean(),
});
export type MinuteCount = z.infer<typeof MinuteCount>;

export interface ActivityTopology {
  users: Topic<BackendApiActivity, string>;
  totals: Table<EndpointCount, string>;
  clients: Table<ClientCount, string>;
  minutes: Table<MinuteCount, string>;
}

export function declareActivityTopology(app: App): ActivityTopology {
  return {
    users: app.topic<BackendApiActivity, string>(USERS_TOPIC, {
      serde: activitySerde,
      partitions: USERS_PARTITIONS,
      description: 'One BackendApiActivity (protobuf) per HTTP request to the API, keyed by endpoint',
    }),
    totals: app.table<EndpointCount, string>('totals', { value: EndpointCount, description: 'Requests per endpoint and method, per input partition' }),
    clients: app.table<ClientCount, string>('clients', { value: ClientCount, description: 'Requests per client host, per input partition' }),
    minutes: app.table<MinuteCount, string>('minutes', {
      value: MinuteCount,
      description: 'Requests per minute, endpoint, method and client host (the last hour), per input partition',
    }),
  };
}

export const totalsKey = (endpoint: string, method: string, partition: number) => `${method} ${endpoint}@${partition}`;
export const clientKey = (client: string, partition: number) => `${client}@${partition}`;
export const minuteKey = (windowStart: number, endpoint: string, method: string, client: string, partition: number) =>
  `${windowStart}|${endpoint}|${method}|${client}@${partition}`;
