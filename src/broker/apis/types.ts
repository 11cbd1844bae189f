// The shape every API handler file exports, and what a handler gets to work with.
import type { BrokerConfig } from '../config.js';
import type { BrokerConfigs } from '../broker-configs.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import type { Connection } from '../server/connection.js';
import type { SecurityProtocol } from '../listeners.js';
import type { SaslSession } from '../sasl/session.js';
import type { CredentialStore } from '../sasl/credentials.js';
import type { Authorizer } from '../acl/authorizer.js';
import type { PartitionBudget } from '../partition-budget.js';
import type { Topic, TopicManager } from '../topics/topic-manager.js';
import type { TransactionCoordinator } from '../txn/transaction-coordinator.js';

/**
 * What handlers work with: the broker's parts, not the broker itself (its
 * server, connections and timers are none of a handler's business).
 */
export interface BrokerServices {
  readonly config: BrokerConfig;
  readonly nodeId: number;
  /** Where clients reach this broker's first listener (handlers answer `ctx.listener`'s address). */
  readonly advertisedHost: string;
  readonly port: number;
  /** SASL users by mechanism (SCRAM ones managed by Describe/AlterUserScramCredentials). */
  readonly credentials: CredentialStore;
  /** ACLs and whether they are enforced. */
  readonly authorizer: Authorizer;
  /** Topics, partitions and their logs. */
  readonly topics: TopicManager;
  /** The caps on partitions per request and per broker (CreateTopics, CreatePartitions, auto-creation). */
  readonly partitionBudget: PartitionBudget;
  /** Consumer groups and committed offsets. */
  readonly groups: GroupCoordinator;
  /** Producer ids and transactions. */
  readonly txns: TransactionCoordinator;
  /** Broker configs, static and dynamic (DescribeConfigs, AlterConfigs on BROKER resources). */
  readonly brokerConfigs: BrokerConfigs;
  /** The APIs served, by key: what ApiVersions advertises. */
  readonly handlers: ReadonlyMap<number, ApiHandler>;
  /** Finds a topic, creating it when auto-creation is on (Metadata, Produce). */
  autoCreate(name: string): Promise<Topic | undefined>;
}

export interface RequestContext {
  /** The request's API version (already checked against the handler's range). */
  version: number;
  apiKey: number;
  correlationId: number;
  clientId: string | null;
  broker: BrokerServices;
  connection: Connection;
  /** The listener the client connected on: Metadata, FindCoordinator and DescribeCluster answer its address. */
  listener: ListenerAddress;
  /** The connection's SASL state on a SASL listener; undefined on the others. */
  sasl: SaslSession | undefined;
}

export interface ListenerAddress {
  readonly name: string;
  readonly securityProtocol: SecurityProtocol;
  /** Where clients are told to connect on this listener. */
  readonly advertisedHost: string;
  readonly advertisedPort: number;
}

export interface ApiHandler<Req = any, Res = any> {
  apiKey: number;
  name: string;
  /** Versions this broker serves; advertised by ApiVersions. */
  minVersion: number;
  maxVersion: number;
  /** The response, or null when the client expects none (Produce with acks=0). */
  handle(request: Req, ctx: RequestContext): Promise<Res | null> | Res | null;
}

/**
 * `authorized_operations` when the client did not ask for them (or no ACLs are
 * kept): Kafka's INT32_MIN sentinel, in Metadata, DescribeGroups and
 * ConsumerGroupDescribe.
 */
export const OPS_UNKNOWN = -2147483648;
