// The API's view of the usage tables: it follows the three changelog topics
// from the beginning (in no consumer group, nothing committed) into maps, so it
// answers the same whether the worker runs in this process or elsewhere, and
// adds up the per-partition shares the worker counted (see topics.ts).
import type { Logger } from 'pino';
import { viewTopic, type TopicView } from '../../stream/follower.js';
import type { KafkaConfig } from '../../stream/kafka-config.js';
import type { Table } from '../../stream/table.js';
import type { ActivityTopology, ClientCount, EndpointCount, MinuteCount } from './topics.js';

export interface EndpointTotal {
  endpoint: string;
  method: string;
  count: number;
}

export interface ClientTotal {
  client: string;
  count: number;
}

export interface MinuteTotal {
  windowStart: string;
  windowEnd: string;
  endpoint: string;
  method: string;
  client: string;
  count: number;
  final: boolean;
}

export interface ActivitySnapshot {
  totals: EndpointTotal[];
  byClient: ClientTotal[];
  perMinute: MinuteTotal[];
}

export class ActivityView {
  private views: { totals: TopicView<EndpointCount>; clients: TopicView<ClientCount>; minutes: TopicView<MinuteCount> } | undefined;

  constructor(
    private readonly tables: ActivityTopology,
    private readonly kafka: KafkaConfig,
    private readonly log: Logger,
  ) {}

  /** Follows the changelogs and resolves once what they held at start is read. */
  async start(): Promise<void> {
    const [totals, clients, minutes] = await Promise.allSettled([
      this.follow(this.tables.totals),
      this.follow(this.tables.clients),
      this.follow(this.tables.minutes),
    ]);
    if (totals.status === 'fulfilled' && clients.status === 'fulfilled' && minutes.status === 'fulfilled') {
      this.views = { totals: totals.value, clients: clients.value, minutes: minutes.value };
      return;
    }
    for (const r of [totals, clients, minutes]) if (r.status === 'fulfilled') await r.value.stop();
    throw [totals, clients, minutes].find((r) => r.status === 'rejected')!.reason;
  }

  async stop(): Promise<void> {
    const views = this.views;
    this.views = undefined;
    if (views) await Promise.all([views.totals.stop(), views.clients.stop(), views.minutes.stop()]);
  }

  snapshot(): ActivitySnapshot {
    const none = new Map<string, never>();
    const totals = sum((this.views?.totals.entries ?? none).values(), (t) => `${t.method} ${t.endpoint}`, (t) => ({ endpoint: t.endpoint, method: t.method, count: 0 }));
    const byClient = sum((this.views?.clients.entries ?? none).values(), (c) => c.client, (c) => ({ client: c.client, count: 0 }));
    const minutes = new Map<string, MinuteTotal>();
    for (const m of (this.views?.minutes.entries ?? none).values()) {
      const id = `${m.windowStart}|${m.endpoint}|${m.method}|${m.client}`;
      const acc = minutes.get(id);
      if (acc) {
        acc.count += m.count;
        // Final only when every partition that counted the minute has closed it.
        acc.final &&= m.final;
      } else {
        const { windowStart, windowEnd, endpoint, method, client, count, final } = m;
        minutes.set(id, { windowStart: iso(windowStart), windowEnd: iso(windowEnd), endpoint, method, client, count, final });
      }
    }
    return {
      totals: totals.sort((a, b) => b.count - a.count || a.endpoint.localeCompare(b.endpoint) || a.method.localeCompare(b.method)),
      byClient: byClient.sort((a, b) => b.count - a.count || a.client.localeCompare(b.client)),
      perMinute: [...minutes.values()].sort(
        (a, b) =>
          a.windowStart.localeCompare(b.windowStart) || a.endpoint.localeCompare(b.endpoint) || a.method.localeCompare(b.method) || a.client.localeCompare(b.client),
      ),
    };
  }

  private follow<V>(table: Table<V, string>): Promise<TopicView<V>> {
    return viewTopic(this.kafka, table.changelog, {
      onInvalid: (err, at) => this.log.warn({ err, topic: table.changelog.name, ...at, offset: String(at.offset) }, 'skipped an unreadable changelog record'),
      onError: (err) => this.log.warn({ err, topic: table.changelog.name }, 'following a changelog failed'),
    });
  }
}

function sum<V extends { count: number }, T extends { count: number }>(values: Iterable<V>, id: (v: V) => string, init: (v: V) => T): T[] {
  const out = new Map<string, T>();
  for (const v of values) {
    const key = id(v);
    let acc = out.get(key);
    if (!acc) out.set(key, (acc = init(v)));
    acc.count += v.count;
  }
  return [...out.values()];
}

const iso = (ms: number) => new Date(ms).toISOString();
