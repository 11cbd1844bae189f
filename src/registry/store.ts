// The registry's storage: the single-partition, compacted `_schemas` topic,
// read into a RegistryState (state.ts), so the registry runs the same on the
// embedded broker and on a Kafka cluster, and any number of instances agree.
//
// How instances agree without a leader: every write is a compare-and-set on
// the log. A writer reads the topic to its end E, checks its command against
// the state at E (compatibility, next id, next version), and produces it with
// `basedOn: E` through an idempotent producer. Every reader applies a command
// only if it landed at offset E exactly, i.e. nothing was written between the
// writer's read and its write, so the checks it made still hold. A command
// that lost a race lands later, is ignored by every reader alike (the rule
// reads nothing but the log), and its writer reads again and retries. Ids are
// therefore assigned in log order: two registries on one cluster hand out the
// same ids, and a restarted one rebuilds the same state. We chose this over a
// leader elected through a consumer group because it needs no forwarding
// between instances and has no window in which two leaders both write.
//
// Reads are linearizable too: each request first reads the topic to its
// current end (concurrent requests share one read).
import { randomUUID } from 'node:crypto';
import { bytes } from '../stream/serde.js';
import { Topic } from '../stream/topic.js';
import { closeForce, createAdmin, createConsumer, createProducer, ensureTopics, type RawConsumer, type RawProducer } from '../stream/kafka.js';
import type { KafkaConfig } from '../stream/kafka-config.js';
import { readPartitionToEnd, type ReadRecord } from '../stream/partition-reader.js';
import { ErrorCode, RegistryError } from './errors.js';
import { Command, CommandRecord, RecordKey } from './records.js';
import { RegistryState } from './state.js';

export const DEFAULT_TOPIC = '_schemas';

export interface StoreOptions {
  /** Default `_schemas`. */
  topic?: string;
  /** Replicas of the topic when this instance creates it; default -1, the cluster's default. */
  replicationFactor?: number;
  /** Writes that lose the race this many times in a row fail with 50001; default 50. */
  maxAttempts?: number;
}

/** What a mutation decided: the command to write (none when nothing changes) and the answer to give once it is stored. */
export interface Plan<T> {
  command?: Command;
  result: T;
}

export class SchemaStore {
  readonly state = new RegistryState();
  readonly topic: string;
  /** The next offset to read: the state holds every command before it. */
  private next = 0n;
  private last: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private writing: Promise<unknown> = Promise.resolve();
  /** Outcomes of this instance's own writes, by write id, once read back. */
  private readonly outcomes = new Map<string, boolean | undefined>();
  private readonly maxAttempts: number;

  private constructor(
    private readonly consumer: RawConsumer,
    private readonly producer: RawProducer,
    options: StoreOptions,
  ) {
    this.topic = options.topic ?? DEFAULT_TOPIC;
    this.maxAttempts = options.maxAttempts ?? 50;
  }

  /** Creates the topic if missing (one partition, compacted), then reads it to its end. */
  static async open(kafka: KafkaConfig, options: StoreOptions = {}): Promise<SchemaStore> {
    const name = options.topic ?? DEFAULT_TOPIC;
    const admin = createAdmin(kafka);
    try {
      const topic = new Topic(name, { serde: bytes(), key: bytes(), partitions: 1, replicationFactor: options.replicationFactor, config: { 'cleanup.policy': 'compact' } });
      await ensureTopics(admin, [topic]);
      const metadata = await admin.metadata({ topics: [name] });
      const partitions = metadata.topics.get(name)?.partitionsCount ?? 0;
      // The compare-and-set needs one total order of writes: one partition.
      if (partitions !== 1) throw new RegistryError(ErrorCode.STORE_ERROR, `topic ${name} has ${partitions} partitions; the schema registry needs exactly 1`);
    } finally {
      await admin.close();
    }
    const consumer = createConsumer(kafka, { groupId: `schema-registry-reader-${randomUUID()}` });
    const producer = createProducer(kafka, { idempotent: true });
    const store = new SchemaStore(consumer, producer, options);
    try {
      await store.sync();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /** Reads the topic to its current end; resolves once the state holds every command written before the call. */
  sync(): Promise<void> {
    this.queued ??= this.last
      .catch(() => {})
      .then(() => {
        this.queued = undefined;
        return (this.last = this.readToEnd());
      });
    return this.queued;
  }

  private async readToEnd(): Promise<void> {
    this.next = await readPartitionToEnd(this.consumer, this.topic, 0, (r) => this.apply(r), this.next);
  }

  private apply(r: ReadRecord): void {
    let key: RecordKey;
    let record: CommandRecord;
    try {
      key = RecordKey.parse(JSON.parse(r.key?.toString('utf8') ?? 'null'));
      record = CommandRecord.parse(JSON.parse(r.value?.toString('utf8') ?? 'null'));
    } catch {
      return; // not a command of ours (a tombstone, another tool's record): every reader skips it alike
    }
    const accepted = BigInt(record.basedOn) === r.offset;
    if (accepted) this.state.apply(Command.parse(record));
    if (this.outcomes.has(key.write)) this.outcomes.set(key.write, accepted);
  }

  /**
   * Decides on the state at the topic's end and writes the command; retried
   * from a fresh read while another writer got in first. Writes of this
   * instance go one at a time, so they never race each other.
   */
  mutate<T>(plan: (state: RegistryState) => Plan<T>): Promise<T> {
    const run = this.writing.catch(() => {}).then(() => this.attempt(plan));
    this.writing = run;
    return run;
  }

  private async attempt<T>(plan: (state: RegistryState) => Plan<T>): Promise<T> {
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      await this.sync();
      const basedOn = this.next;
      const { command, result } = plan(this.state);
      if (!command) return result;
      const write = randomUUID();
      const key: RecordKey = { keytype: command.op.toUpperCase(), subject: command.subject, write };
      this.outcomes.set(write, undefined);
      try {
        await this.producer.send({
          messages: [{ topic: this.topic, partition: 0, key: Buffer.from(JSON.stringify(key)), value: Buffer.from(JSON.stringify({ ...command, basedOn: basedOn.toString() })) }],
        });
        // Acknowledged with acks=all, so below the end the next read sees.
        await this.sync();
        if (this.outcomes.get(write) === true) return result;
      } finally {
        this.outcomes.delete(write);
      }
    }
    throw new RegistryError(ErrorCode.STORE_ERROR, `the write lost the race to other writers of ${this.topic} ${this.maxAttempts} times; try again`);
  }

  async close(): Promise<void> {
    await this.producer.close().catch(() => {});
    await closeForce(this.consumer);
  }
}
