// Caps on partition creation, checked before anything is created:
// - per request (CreateTopics, CreatePartitions): Kafka's controller refuses a
//   request adding more than 10,000 partitions with POLICY_VIOLATION
//   "Excessively large number of partitions per request."; here the number is
//   max.partitions.per.request;
// - per broker (max.broker.partitions): every partition held, internal topics and
//   auto-created ones included. Creations in progress hold a reservation, so
//   concurrent requests cannot together pass the cap.
import { ErrorCode } from './protocol/error-codes.js';
import { KafkaError } from './errors.js';
import type { TopicManager } from './topics/topic-manager.js';

export class PartitionBudget {
  private pending = 0;

  constructor(
    private readonly topics: TopicManager,
    readonly perRequest: number,
    readonly perBroker: number,
  ) {}

  /** Partitions held, plus those being created. */
  held(): number {
    let n = this.pending;
    for (const t of this.topics.list()) n += t.partitions.length;
    return n;
  }

  /** Throws POLICY_VIOLATION when one request asks for more than max.partitions.per.request in all. */
  checkRequest(total: number): void {
    if (total > this.perRequest) {
      throw new KafkaError(
        ErrorCode.POLICY_VIOLATION,
        `Excessively large number of partitions per request: ${total} requested, max.partitions.per.request is ${this.perRequest}.`,
      );
    }
  }

  /** Throws POLICY_VIOLATION when `n` more partitions would pass max.broker.partitions. */
  checkBroker(n: number): void {
    const held = this.held();
    if (held + n > this.perBroker) {
      throw new KafkaError(
        ErrorCode.POLICY_VIOLATION,
        `Adding ${n} partition(s) would exceed max.broker.partitions (${this.perBroker}): the broker holds ${held}.`,
      );
    }
  }

  /** Checks and reserves `n` partitions; call the returned function once they exist (or failed). */
  reserve(n: number): () => void {
    this.checkBroker(n);
    this.pending += n;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pending -= n;
    };
  }

  /** Runs `create` under a reservation of `n` partitions. */
  async within<T>(n: number, create: () => Promise<T>): Promise<T> {
    const release = this.reserve(n);
    try {
      return await create();
    } finally {
      release();
    }
  }
}
