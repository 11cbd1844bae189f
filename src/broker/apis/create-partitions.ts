// CreatePartitions (key 37), v0–3: grows a topic to Count partitions. Manual
// assignments must name this broker alone for each new partition. A request
// adding more than max.partitions.per.request in all fails whole with
// POLICY_VIOLATION; a topic whose growth would pass max.broker.partitions fails
// alone with POLICY_VIOLATION; nothing is created beyond either cap.
// ACLs: ALTER on each topic, else TOPIC_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { CreatePartitionsRequest } from '../protocol/messages/create-partitions-request.js';
import type { CreatePartitionsResponse } from '../protocol/messages/create-partitions-response.js';
import { errorCodeOf, errorMessageOf, KafkaError } from '../errors.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

export const createPartitions: ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> = {
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const budget = ctx.broker.partitionBudget;
    let added = 0;
    for (const t of req.topics) {
      const current = ctx.broker.topics.get(t.name)?.partitions.length;
      if (current !== undefined && t.count > current) added += t.count - current;
    }
    try {
      budget.checkRequest(added);
    } catch (err) {
      return { throttleTimeMs: 0, results: req.topics.map((t) => ({ name: t.name, errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err) })) };
    }
    const results = [];
    for (const t of req.topics) {
      if (!onTopic(ctx, AclOperation.ALTER, t.name)) {
        results.push({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null });
        continue;
      }
      try {
        for (const a of t.assignments ?? []) {
          if (a.brokerIds.length !== 1 || a.brokerIds[0] !== ctx.broker.nodeId) {
            throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `new partitions must be assigned to broker ${ctx.broker.nodeId} alone`);
          }
        }
        // The topic's own checks (exists, is an increase) come first, then the broker cap.
        await ctx.broker.topics.addPartitions(t.name, t.count, true);
        const more = t.count - ctx.broker.topics.get(t.name)!.partitions.length;
        if (req.validateOnly) budget.checkBroker(more);
        else await budget.within(more, () => ctx.broker.topics.addPartitions(t.name, t.count));
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (err) {
        results.push({ name: t.name, errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err) });
      }
    }
    return { throttleTimeMs: 0, results };
  },
};
