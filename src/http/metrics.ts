// Prometheus metrics of one Tributary process, served at /metrics: HTTP
// requests (count and latency by route), and, read from the stream apps at
// scrape time, records produced and consumed, dead-lettered messages, table
// sizes and consumer lag per group and partition (asked of the cluster, so it
// is right for workers in other processes too). Figures of another thread of
// the process (`npm start`'s workers) are merged in through `addSource`.

/** The JSON form of a registry's metrics, as another thread hands them over. */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { App } from '../stream/app.js';
import { createAdmin } from '../stream/kafka.js';
import type { KafkaConfig } from '../stream/kafka-config.js';

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Histogram<'method' | 'route' | 'status_code'>;
  private readonly apps: App[] = [];
  private kafka: KafkaConfig | undefined;
  private readonly sources: (() => Promise<MetricsJson>)[] = [];

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'tributary_' });
    this.httpRequests = new Histogram({
      name: 'tributary_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status code, with their latency',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    const apps = this.apps;
    new Counter({
      name: 'tributary_produced_records_total',
      help: 'Records sent and acknowledged by the API and CLIs (outside agents), by topic',
      labelNames: ['topic'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const app of apps) for (const [topic, n] of app.sent) this.inc({ topic }, n);
      },
    });
    new Counter({
      name: 'tributary_consumed_records_total',
      help: 'Records processed by agents, by agent and group',
      labelNames: ['agent', 'group'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const app of apps) for (const a of app.agents) this.inc({ agent: a.name, group: a.group }, a.stats.processed);
      },
    });
    new Counter({
      name: 'tributary_dead_lettered_records_total',
      help: 'Records an agent sent to its dead-letter topic',
      labelNames: ['agent', 'topic'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const app of apps) for (const a of app.agents) this.inc({ agent: a.name, topic: a.dlq.name }, a.stats.deadLettered);
      },
    });
    new Gauge({
      name: 'tributary_table_entries',
      help: 'Entries held by this process in each table',
      labelNames: ['table'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const app of apps) for (const t of app.tables.values()) this.set({ table: t.name }, t.size);
      },
    });
    const lag = () => this.consumerLag();
    new Gauge({
      name: 'tributary_consumer_lag',
      help: 'Records between the committed offset of a group and the end of each partition',
      labelNames: ['group', 'topic', 'partition'],
      registers: [this.registry],
      // Every thread that declares the agent asks the cluster: the same figure, not a sum.
      aggregator: 'max',
      async collect() {
        this.reset();
        for (const row of await lag()) this.set({ group: row.group, topic: row.topic, partition: String(row.partition) }, row.lag);
      },
    });
  }

  /** Reads produce, consume, table and lag figures from these apps at every scrape. */
  track(apps: App[], kafka: KafkaConfig): void {
    this.apps.push(...apps);
    this.kafka = kafka;
  }

  /** Lag of every agent group of the tracked apps (empty when the cluster does not answer). */
  async consumerLag(): Promise<{ group: string; topic: string; partition: number; lag: number }[]> {
    const groups = new Map<string, string>();
    for (const app of this.apps) for (const a of app.agents) groups.set(a.group, a.input.name);
    if (!this.kafka || groups.size === 0) return [];
    const admin = createAdmin(this.kafka);
    const out: { group: string; topic: string; partition: number; lag: number }[] = [];
    try {
      for (const [group, topic] of groups) {
        const meta = await admin.metadata({ topics: [topic] });
        const partitions = meta.topics.get(topic)?.partitions.map((_p, i) => i) ?? [];
        if (partitions.length === 0) continue;
        const [ends] = await admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }] });
        const [committed] = await admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: partitions }] }] });
        const done = new Map(committed?.topics.find((t) => t.name === topic)?.partitions.map((p) => [p.partitionIndex, p.committedOffset]) ?? []);
        for (const p of ends?.partitions ?? []) {
          const at = done.get(p.partitionIndex) ?? -1n;
          out.push({ group, topic, partition: p.partitionIndex, lag: Number(at < 0n ? p.offset : p.offset - at) });
        }
      }
    } catch {
      // Metrics must not fail because the cluster is away; /readyz tells that.
    } finally {
      await admin.close().catch(() => {});
    }
    return out;
  }

  /** Merges another registry's figures (another thread's) into every scrape; counters and sizes add up. */
  addSource(source: () => Promise<MetricsJson>): void {
    this.sources.push(source);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    if (this.sources.length === 0) return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    const parts = await Promise.all([this.registry.getMetricsAsJSON() as Promise<MetricsJson>, ...this.sources.map((s) => s().catch((): MetricsJson => []))]);
    const merged = AggregatorRegistry.aggregate(parts);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
