// The API's view of the usage tables: it follows the three changelog topics
// from the beginning (a group of its own, nothing committed) into maps, so it
// answers the same whether the worker runs in this process or elsewhere, and
// adds up the per-partition shares the worker counted (see topics.ts).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { followTopic, type Follower } from '../../stream/follower.js';
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
  private readonly totals = new Map<string, EndpointCount>();
  private readonly clients = new Map<string, ClientCount>();
  private readonly minutes = new Map<string, MinuteCount>();
  private followers: Follower[] = [];

  constructor(
    private readonly tables: ActivityTopology,
    private readonly kafka: KafkaConfig,
    private readonly log: Logger,
  ) {}

  /** Follows the changelogs and resolves once what they held at start is read. */
  async start(): Promise<void> {
    const instance = randomUUID();
    try {
      this.followers.push(await this.follow(this.tables.totals, this.totals, instance));
      this.followers.push(await this.follow(this.tables.clients, this.clients, instance));
      this.followers.push(await this.follow(this.tables.minutes, this.minutes, instance));
      await Promise.all(this.followers.map((f) => f.caughtUp));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    const followers = this.followers.splice(0);
    await Promise.all(followers.map((f) => f.stop()));
  }

  snapshot(): ActivitySnapshot {
    const totals = sum(this.totals.values(), (t) => `${t.method} ${t.endpoint}`, (t) => ({ endpoint: t.endpoint, method: t.method, count: 0 }));
    const byClient = sum(this.clients.values(), (c) => c.client, (c) => ({ client: c.client, count: 0 }));
    const minutes = new Map<string, MinuteTotal>();
    for (const m of this.minutes.values()) {
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

  private follow<V>(table: Table<V, string>, into: Map<string, V>, instance: string): Promise<Follower> {
    return followTopic(this.kafka, table.changelog, {
      group: `tributary-activity-api-${table.name}-${instance}`,
      from: 'earliest',
      onRecord: (r) => {
        if (r.key === null) return;
        if (r.value === null) into.delete(r.key);
        else into.set(r.key, r.value);
      },
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
