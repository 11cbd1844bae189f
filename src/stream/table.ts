// A key/value state store backed by a compacted changelog topic
// `<app>-<table>-changelog`, partitioned like the input topic of the agent that
// updates it: an update made while processing input partition p is written to
// changelog partition p, before the input offset is committed. A partition's
// entries are restored from its changelog when the partition is assigned (on
// start and on every rebalance) before its messages are processed, and dropped
// when it is revoked, so the table follows its partitions between instances.
import type { z } from 'zod';
import { processing } from './context.js';
import { json, string, type Serde } from './serde.js';
import { Topic } from './topic.js';
import { readPartitionToEnd } from './partition-reader.js';
import type { RawConsumer } from './kafka.js';

export interface TableOptions<V, K> {
  /** Value schema (validated on every set and restore). */
  value?: z.ZodType<V>;
  /** Value serde for the changelog; JSON by default. */
  serde?: Serde<V>;
  /** Key serde; strings by default. */
  key?: Serde<K>;
  /** What get() answers for a key never set. */
  initial?: (key: K) => V;
  /** Partitions of the changelog; by default those of the input topic of the agent that updates it. */
  partitions?: number;
  description?: string;
}

interface Entry<V> {
  value: V;
  partition: number;
}

export class Table<V = unknown, K = string> {
  readonly name: string;
  readonly changelog: Topic<V, K>;
  private readonly entries = new Map<string, Entry<V> & { key: K }>();
  private readonly restoring = new Map<number, Promise<void>>();
  private readonly restored = new Set<number>();
  private readonly initial: ((key: K) => V) | undefined;
  /** Records read from the changelog by restores, for metrics and tests. */
  restoredRecords = 0;

  constructor(appId: string, name: string, options: TableOptions<V, K> = {}) {
    this.name = name;
    this.initial = options.initial;
    this.changelog = new Topic<V, K>(`${appId}-${name}-changelog`, {
      schema: options.value,
      serde: options.serde ?? json<V>(),
      key: options.key ?? (string() as unknown as Serde<K>),
      partitions: options.partitions,
      config: { 'cleanup.policy': 'compact' },
      description: options.description ?? `Changelog of table ${name}`,
    });
  }

  /** The number of partitions, once known (set by the app from the input topic). */
  get partitions(): number | undefined {
    return this.changelog.partitions;
  }

  set partitions(n: number | undefined) {
    (this.changelog as { partitions: number | undefined }).partitions = n;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const e = this.entries.get(this.keyId(key));
    if (e) return e.value;
    return this.initial?.(key);
  }

  has(key: K): boolean {
    return this.entries.has(this.keyId(key));
  }

  /** [key, value] pairs of the partitions this instance holds. */
  *[Symbol.iterator](): IterableIterator<[K, V]> {
    for (const e of this.entries.values()) yield [e.key, e.value];
  }

  toObject(): Record<string, V> {
    const out: Record<string, V> = {};
    for (const [id, e] of this.entries) out[id] = e.value;
    return out;
  }

  /** Updates a key; only inside an agent handler (the update belongs to the input partition). */
  set(key: K, value: V): void {
    const ctx = processing.getStore();
    if (!ctx) throw new Error(`table ${this.name}: set() is only allowed while an agent processes a message`);
    const checked = this.changelog.validate(value);
    this.remember(ctx.undo, key);
    this.entries.set(this.keyId(key), { key, value: checked, partition: ctx.partition });
    ctx.writes.push({ topic: this.changelog.name, partition: ctx.partition, key: this.changelog.encodeKey(key), value: this.changelog.serde.encode(checked) });
  }

  delete(key: K): void {
    const ctx = processing.getStore();
    if (!ctx) throw new Error(`table ${this.name}: delete() is only allowed while an agent processes a message`);
    this.remember(ctx.undo, key);
    this.entries.delete(this.keyId(key));
    ctx.writes.push({ topic: this.changelog.name, partition: ctx.partition, key: this.changelog.encodeKey(key), value: null });
  }

  /** Loads a partition from the changelog (once per assignment); concurrent callers share the load. */
  restore(consumer: RawConsumer, partition: number): Promise<void> {
    if (this.restored.has(partition)) return Promise.resolve();
    let p = this.restoring.get(partition);
    if (!p) {
      p = readPartitionToEnd(consumer, this.changelog.name, partition, (r) => {
        if (r.key === null) return;
        const key = this.changelog.decodeKey(r.key) as K;
        const id = this.keyId(key);
        this.restoredRecords++;
        if (r.value === null) this.entries.delete(id);
        else this.entries.set(id, { key, value: this.changelog.decodeValue(r.value), partition });
      }).then(
        () => {
          this.restored.add(partition);
          this.restoring.delete(partition);
        },
        (err) => {
          this.restoring.delete(partition);
          throw err;
        },
      );
      this.restoring.set(partition, p);
    }
    return p;
  }

  /** Forgets a revoked partition's entries (another instance restores them). */
  drop(partition: number): void {
    this.restored.delete(partition);
    for (const [id, e] of this.entries) if (e.partition === partition) this.entries.delete(id);
  }

  isRestored(partition: number): boolean {
    return this.restored.has(partition);
  }

  /** Lets a failed handler put the key back as it was. */
  private remember(undo: (() => void)[], key: K): void {
    const id = this.keyId(key);
    const before = this.entries.get(id);
    undo.push(() => (before ? this.entries.set(id, before) : this.entries.delete(id)));
  }

  private keyId(key: K): string {
    return typeof key === 'string' ? key : JSON.stringify(key);
  }
}
