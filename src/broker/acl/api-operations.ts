// What each API the broker serves needs from the authorizer, as Kafka's
// documentation of operations and resources defines it: the one table to read
// (and test) instead of every handler. The handlers make the checks; a test keeps
// this table covering every handler, so no API is served without a decision.

export interface Requirement {
  operation: string;
  resource: 'Topic' | 'Group' | 'Cluster' | 'TransactionalId';
  /** When the check applies, if not always. */
  when?: string;
}

const r = (operation: string, resource: Requirement['resource'], when?: string): Requirement => (when ? { operation, resource, when } : { operation, resource });

export const apiRequirements: Readonly<Record<string, readonly Requirement[]>> = {
  ApiVersions: [],
  SaslHandshake: [],
  SaslAuthenticate: [],
  DescribeCluster: [],
  Metadata: [r('DESCRIBE', 'Topic'), r('CREATE', 'Cluster', 'auto-creation, or CREATE on the topic')],
  Produce: [r('WRITE', 'Topic'), r('WRITE', 'TransactionalId', 'transactional producers'), r('CREATE', 'Cluster', 'auto-creation, or CREATE on the topic')],
  Fetch: [r('READ', 'Topic')],
  ListOffsets: [r('DESCRIBE', 'Topic')],
  OffsetForLeaderEpoch: [r('DESCRIBE', 'Topic')],
  DescribeTopicPartitions: [r('DESCRIBE', 'Topic', 'lists only those; a named one TOPIC_AUTHORIZATION_FAILED')],
  CreateTopics: [r('CREATE', 'Cluster', 'or CREATE on the topic')],
  DeleteTopics: [r('DELETE', 'Topic')],
  DeleteRecords: [r('DELETE', 'Topic')],
  CreatePartitions: [r('ALTER', 'Topic')],
  DescribeConfigs: [r('DESCRIBE_CONFIGS', 'Topic', 'topic resources'), r('DESCRIBE_CONFIGS', 'Cluster', 'broker resources')],
  AlterConfigs: [r('ALTER_CONFIGS', 'Topic', 'topic resources'), r('ALTER_CONFIGS', 'Cluster', 'broker resources')],
  IncrementalAlterConfigs: [r('ALTER_CONFIGS', 'Topic', 'topic resources'), r('ALTER_CONFIGS', 'Cluster', 'broker resources')],
  DescribeLogDirs: [r('DESCRIBE', 'Cluster')],
  DescribeProducers: [r('READ', 'Topic')],
  InitProducerId: [r('WRITE', 'TransactionalId', 'transactional producers'), r('IDEMPOTENT_WRITE', 'Cluster', 'idempotent producers, or WRITE on some topic')],
  AddPartitionsToTxn: [r('WRITE', 'TransactionalId'), r('WRITE', 'Topic'), r('CLUSTER_ACTION', 'Cluster', 'v4+ batches')],
  AddOffsetsToTxn: [r('WRITE', 'TransactionalId'), r('READ', 'Group')],
  EndTxn: [r('WRITE', 'TransactionalId')],
  TxnOffsetCommit: [r('WRITE', 'TransactionalId'), r('READ', 'Group'), r('READ', 'Topic')],
  DescribeTransactions: [r('DESCRIBE', 'TransactionalId')],
  ListTransactions: [r('DESCRIBE', 'TransactionalId', 'lists only those')],
  FindCoordinator: [r('DESCRIBE', 'Group', 'group keys'), r('DESCRIBE', 'TransactionalId', 'transaction keys')],
  JoinGroup: [r('READ', 'Group')],
  SyncGroup: [r('READ', 'Group')],
  Heartbeat: [r('READ', 'Group')],
  LeaveGroup: [r('READ', 'Group')],
  DescribeGroups: [r('DESCRIBE', 'Group')],
  ListGroups: [r('DESCRIBE', 'Cluster', 'every group; else the groups with DESCRIBE')],
  DeleteGroups: [r('DELETE', 'Group')],
  OffsetCommit: [r('READ', 'Group'), r('READ', 'Topic')],
  OffsetFetch: [r('DESCRIBE', 'Group'), r('DESCRIBE', 'Topic')],
  OffsetDelete: [r('DELETE', 'Group'), r('READ', 'Topic')],
  ConsumerGroupHeartbeat: [r('READ', 'Group'), r('DESCRIBE', 'Topic', 'subscribed topic names')],
  ConsumerGroupDescribe: [r('DESCRIBE', 'Group')],
  DescribeUserScramCredentials: [r('DESCRIBE', 'Cluster')],
  AlterUserScramCredentials: [r('ALTER', 'Cluster')],
  DescribeAcls: [r('DESCRIBE', 'Cluster')],
  CreateAcls: [r('ALTER', 'Cluster')],
  DeleteAcls: [r('ALTER', 'Cluster')],
};
