// Every API the broker serves, one file each.
import type { ApiHandler } from './types.js';
import { apiVersions } from './api-versions.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';
import { fetch } from './fetch.js';
import { listOffsets } from './list-offsets.js';
import { createTopics } from './create-topics.js';
import { deleteTopics } from './delete-topics.js';
import { deleteRecords } from './delete-records.js';
import { createPartitions } from './create-partitions.js';
import { describeConfigs } from './describe-configs.js';
import { alterConfigs } from './alter-configs.js';
import { incrementalAlterConfigs } from './incremental-alter-configs.js';
import { describeCluster } from './describe-cluster.js';
import { initProducerId } from './init-producer-id.js';
import { addPartitionsToTxn } from './add-partitions-to-txn.js';
import { addOffsetsToTxn } from './add-offsets-to-txn.js';
import { endTxn } from './end-txn.js';
import { describeTransactions } from './describe-transactions.js';
import { listTransactions } from './list-transactions.js';
import { describeProducers } from './describe-producers.js';
import { txnOffsetCommit } from './txn-offset-commit.js';
import { describeLogDirs } from './describe-log-dirs.js';
import { findCoordinator } from './find-coordinator.js';
import { joinGroup } from './join-group.js';
import { syncGroup } from './sync-group.js';
import { heartbeat } from './heartbeat.js';
import { leaveGroup } from './leave-group.js';
import { describeGroups } from './describe-groups.js';
import { listGroups } from './list-groups.js';
import { deleteGroups } from './delete-groups.js';
import { offsetCommit } from './offset-commit.js';
import { offsetFetch } from './offset-fetch.js';
import { offsetDelete } from './offset-delete.js';
import { consumerGroupHeartbeat } from './consumer-group-heartbeat.js';
import { consumerGroupDescribe } from './consumer-group-describe.js';
import { offsetForLeaderEpoch } from './offset-for-leader-epoch.js';
import { describeTopicPartitions } from './describe-topic-partitions.js';
import { saslHandshake } from './sasl-handshake.js';
import { saslAuthenticate } from './sasl-authenticate.js';
import { describeUserScramCredentials } from './describe-user-scram-credentials.js';
import { alterUserScramCredentials } from './alter-user-scram-credentials.js';
import { describeAcls } from './describe-acls.js';
import { createAcls } from './create-acls.js';
import { deleteAcls } from './delete-acls.js';

export const handlers: ApiHandler[] = [
  apiVersions,
  metadata,
  produce,
  fetch,
  listOffsets,
  offsetForLeaderEpoch,
  createTopics,
  deleteTopics,
  deleteRecords,
  createPartitions,
  describeConfigs,
  alterConfigs,
  incrementalAlterConfigs,
  describeCluster,
  describeTopicPartitions,
  initProducerId,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  describeTransactions,
  listTransactions,
  describeProducers,
  txnOffsetCommit,
  describeLogDirs,
  findCoordinator,
  joinGroup,
  syncGroup,
  heartbeat,
  leaveGroup,
  describeGroups,
  listGroups,
  deleteGroups,
  offsetCommit,
  offsetFetch,
  offsetDelete,
  consumerGroupHeartbeat,
  consumerGroupDescribe,
  saslHandshake,
  saslAuthenticate,
  describeUserScramCredentials,
  alterUserScramCredentials,
  describeAcls,
  createAcls,
  deleteAcls,
];
