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
import { describeLogDirs } from './describe-log-dirs.js';

export const handlers: ApiHandler[] = [
  apiVersions,
  metadata,
  produce,
  fetch,
  listOffsets,
  createTopics,
  deleteTopics,
  deleteRecords,
  createPartitions,
  describeConfigs,
  alterConfigs,
  incrementalAlterConfigs,
  describeCluster,
  describeLogDirs,
];
