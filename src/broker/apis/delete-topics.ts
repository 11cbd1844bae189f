// DeleteTopics (key 20), v0–6. v0–5 name topics; v6 names them or gives their ids.
// The partition directories are removed at once.
// ACLs: DELETE on each topic, else TOPIC_AUTHORIZATION_FAILED (by id: the topic's name).
import { ApiKey } from '../protocol/apis.js';
import { ZERO_UUID } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DeleteTopicsRequest } from '../protocol/messages/delete-topics-request.js';
import type { DeleteTopicsResponse, DeletableTopicResult } from '../protocol/messages/delete-topics-response.js';
import { errorCodeOf, errorMessageOf } from '../errors.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

export const deleteTopics: ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  async handle(req, ctx) {
    const { topics } = ctx.broker;
    const wanted =
      ctx.version >= 6
        ? req.topics.map((t) => ({ name: t.name, id: t.topicId }))
        : req.topicNames.map((name) => ({ name: name as string | null, id: ZERO_UUID }));
    const responses: DeletableTopicResult[] = [];
    for (const w of wanted) {
      const topic = w.name !== null ? topics.get(w.name) : topics.getById(w.id);
      const name = w.name ?? topic?.name;
      if (name !== undefined && !onTopic(ctx, AclOperation.DELETE, name)) {
        responses.push({ name: w.name, topicId: w.id, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null });
        continue;
      }
      if (!topic) {
        responses.push({
          name: w.name,
          topicId: w.id,
          errorCode: w.name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage: null,
        });
        continue;
      }
      try {
        await topics.delete(topic.name);
        // As Kafka does, committed offsets of a deleted topic go with it.
        await ctx.broker.groups.deleteOffsetsForTopics([topic.name]);
        responses.push({ name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (err) {
        responses.push({ name: topic.name, topicId: topic.id, errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err) });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
};
