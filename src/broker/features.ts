// The feature levels ApiVersions (v3+) advertises, named and numbered as Kafka
// 4.0 does. Each range is what this broker serves, so a client that keys its
// behaviour on a finalized level gets only what is here:
// - metadata.version: 7 (3.3-IV3, the lowest Kafka 4.0 accepts) to 25 (4.0-IV3,
//   Kafka 4.0's latest production level), finalized at 25 as a new 4.0 cluster.
// - group.version 1: the consumer group protocol (KIP-848) is served
//   (ConsumerGroupHeartbeat, ConsumerGroupDescribe).
// - transaction.version 1 at most: level 2 (KIP-890 part 2) would have clients
//   send Produce v12 and EndTxn v5, which this broker does not serve; Kafka 4.0
//   brokers upgraded from 3.x run at such a level too.
export interface FeatureLevel {
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The level in force (Kafka leaves features finalized at 0 out of the list). */
  readonly finalized: number;
}

export const FEATURES: readonly FeatureLevel[] = [
  { name: 'group.version', minVersion: 0, maxVersion: 1, finalized: 1 },
  { name: 'metadata.version', minVersion: 7, maxVersion: 25, finalized: 25 },
  { name: 'transaction.version', minVersion: 0, maxVersion: 1, finalized: 1 },
];

/** Kafka's epoch of the finalized levels (the metadata offset they were set at); they never change here. */
export const FINALIZED_FEATURES_EPOCH = 1n;
