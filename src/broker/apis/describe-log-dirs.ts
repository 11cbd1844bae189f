// DescribeLogDirs (key 35), v0–4: the broker's one log directory with each
// partition's size on disk, which is how Kafka's admin tools read sizes. Offset
// lag is 0 (there are no future replicas). v4 adds the volume's total and usable bytes.
// ACLs: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED and no dirs.
import fs from 'node:fs';
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeLogDirsRequest } from '../protocol/messages/describe-log-dirs-request.js';
import type { DescribeLogDirsResponse, DescribeLogDirsTopic } from '../protocol/messages/describe-log-dirs-response.js';
import { AclOperation } from '../acl/types.js';
import { onCluster } from './authorize.js';
import type { ApiHandler } from './types.js';

export const describeLogDirs: ApiHandler<DescribeLogDirsRequest, DescribeLogDirsResponse> = {
  apiKey: ApiKey.DescribeLogDirs,
  name: 'DescribeLogDirs',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    if (!onCluster(ctx, AclOperation.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const wanted = req.topics ?? topics.list().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.index) }));
    const described: DescribeLogDirsTopic[] = [];
    for (const w of wanted) {
      const topic = topics.get(w.topic);
      if (!topic) continue; // Kafka leaves out partitions it does not host
      const partitions = w.partitions
        .map((i) => topic.partitions[i])
        .filter((p) => p !== undefined)
        .map((p) => ({ partitionIndex: p.index, partitionSize: BigInt(p.log.size), offsetLag: 0n, isFutureKey: false }));
      if (partitions.length > 0) described.push({ name: topic.name, partitions });
    }
    const space = volumeSpace(ctx.broker.config.dataDir);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [
        {
          errorCode: ErrorCode.NONE,
          logDir: ctx.broker.config.dataDir,
          topics: described,
          totalBytes: ctx.version >= 4 ? space.total : -1n,
          usableBytes: ctx.version >= 4 ? space.usable : -1n,
        },
      ],
    };
  },
};

function volumeSpace(dir: string): { total: bigint; usable: bigint } {
  try {
    const s = fs.statfsSync(dir);
    return { total: BigInt(s.blocks * s.bsize), usable: BigInt(s.bavail * s.bsize) };
  } catch {
    return { total: -1n, usable: -1n };
  }
}
