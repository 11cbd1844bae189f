// CreatePartitions (key 37), v0–3: grows a topic to Count partitions. Manual
// assignments must name this broker alone for each new partition.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { CreatePartitionsRequest } from '../protocol/messages/create-partitions-request.js';
import type { CreatePartitionsResponse } from '../protocol/messages/create-partitions-response.js';
import { errorCodeOf, errorMessageOf, KafkaError } from '../errors.js';
import type { ApiHandler } from './types.js';

export const createPartitions: ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const results = [];
    for (const t of req.topics) {
      try {
        for (const a of t.assignments ?? []) {
          if (a.brokerIds.length !== 1 || a.brokerIds[0] !== ctx.broker.nodeId) {
            throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `new partitions must be assigned to broker ${ctx.broker.nodeId} alone`);
          }
        }
        await ctx.broker.topics.addPartitions(t.name, t.count, req.validateOnly);
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (err) {
        results.push({ name: t.name, errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err) });
      }
    }
    return { throttleTimeMs: 0, results };
  },
};
