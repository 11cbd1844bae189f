// The cluster views and the topic operations: the overview, the topic list
// (with the groups reading each topic and their lag), one topic's partitions
// and configs; creating and deleting topics, changing configs
// (IncrementalAlterConfigs) and deleting records before an offset. Kafka's
// refusals come back as 4xx naming the Kafka error.
import { HttpError } from '../../http/errors.js';
import { dlqTopicName } from '../../stream/dlq.js';
import { kafkaErrorNames } from '../../stream/kafka-errors.js';
import type { Console } from './console.js';
import { groupLag, topicEnd, topicStart, type ClusterSnapshot, type TopicState } from './snapshot.js';
import type {
  AlterConfigsRequest,
  ConfigEntry,
  CreateTopicRequest,
  DeadLetterTopicSummary,
  DeleteRecordsRequest,
  DeleteRecordsResult,
  Health,
  Overview,
  TopicDetail,
  TopicSummary,
} from './types.js';

const TOPIC_RESOURCE = 2;
const CONFIG_SET = 0;
const CONFIG_DELETE = 1;
/** DescribeConfigs' source of a value set on the topic itself (anything else is a default). */
const TOPIC_CONFIG_SOURCE = 1;

export async function overview(c: Console): Promise<Overview> {
  const database = c.source.database ? await health(c.source.database) : null;
  const systems = (c.source.declaredOnly ? [] : c.services).map((s) => ({ name: s.name, description: s.description }));
  const { sampler } = c;
  let snapshot: ClusterSnapshot;
  try {
    snapshot = await sampler.current();
  } catch (err) {
    return {
      clusterId: null, brokers: [], topics: 0, partitions: 0, groups: 0, inPerSec: 0, outPerSec: 0,
      inHistory: sampler.inHistory(), outHistory: sampler.outHistory(),
      health: { broker: { ok: false, text: `unreachable: ${errorMessage(err)}` }, database },
      deadLetters: [], systems, authRequired: c.source.authRequired ?? false,
    };
  }
  const topics = [...snapshot.topics.values()];
  const n = snapshot.brokers.length;
  return {
    clusterId: snapshot.clusterId,
    brokers: snapshot.brokers.map((b) => ({ ...b, controller: b.nodeId === snapshot.controllerId })),
    topics: topics.length,
    partitions: topics.reduce((k, t) => k + t.partitions.length, 0),
    groups: snapshot.groups.size,
    inPerSec: sampler.totalIn(),
    outPerSec: sampler.totalOut(),
    inHistory: sampler.inHistory(),
    outHistory: sampler.outHistory(),
    health: { broker: { ok: true, text: `ok (${n} broker${n === 1 ? '' : 's'})` }, database },
    deadLetters: deadLetterTopics(snapshot),
    systems,
    authRequired: c.source.authRequired ?? false,
  };
}

async function health(check: () => Promise<string>): Promise<Health> {
  try {
    return { ok: true, text: await check() };
  } catch (err) {
    return { ok: false, text: `unreachable: ${errorMessage(err)}` };
  }
}

/** Every `<topic>.dlq` whose source topic exists, with its record count. */
export function deadLetterTopics(snapshot: ClusterSnapshot): DeadLetterTopicSummary[] {
  const out: DeadLetterTopicSummary[] = [];
  for (const t of snapshot.topics.values()) {
    if (!t.name.endsWith('.dlq')) continue;
    const source = t.name.slice(0, -'.dlq'.length);
    if (dlqTopicName(source) !== t.name) continue;
    out.push({ topic: t.name, source, count: topicEnd(t) - topicStart(t) });
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic));
}

export async function topicList(c: Console): Promise<TopicSummary[]> {
  const snapshot = await c.sampler.current();
  const topics = [...snapshot.topics.values()].sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name));
  return topics.map((t) => summary(c, snapshot, t));
}

export async function topicDetail(c: Console, name: string): Promise<TopicDetail> {
  const { snapshot, topic } = await c.topic(name);
  const configs = await topicConfigs(c, name);
  return {
    ...summary(c, snapshot, topic),
    partitionInfo: topic.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      startOffset: p.start,
      endOffset: p.end,
      sizeBytes: p.size,
    })),
    configs,
  };
}

function summary(c: Console, snapshot: ClusterSnapshot, t: TopicState): TopicSummary {
  const startOffset = topicStart(t);
  const endOffset = topicEnd(t);
  const size = t.partitions.some((p) => p.size !== null) ? t.partitions.reduce((n, p) => n + (p.size ?? 0), 0) : null;
  const groups = [...snapshot.groups.values()]
    .filter((g) => g.committed.has(t.name))
    .map((g) => ({ group: g.group, lag: groupLag(snapshot, g, t.name) }))
    .sort((a, b) => a.group.localeCompare(b.group));
  return {
    name: t.name,
    internal: t.internal,
    partitions: t.partitions.length,
    replicas: t.partitions[0]?.replicas.length ?? 0,
    startOffset,
    endOffset,
    records: endOffset - startOffset,
    sizeBytes: size,
    rate: c.sampler.topicRate(t.name),
    rateHistory: c.sampler.topicRateHistory(t.name),
    groups,
  };
}

async function topicConfigs(c: Console, name: string): Promise<ConfigEntry[]> {
  const [described] = await c.admin.describeConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name }], includeSynonyms: false });
  return (described?.configs ?? [])
    .map((e) => ({ name: e.name, value: e.isSensitive ? null : (e.value ?? null), isDefault: e.configSource !== TOPIC_CONFIG_SOURCE, readOnly: e.readOnly, sensitive: e.isSensitive }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function createTopic(c: Console, request: CreateTopicRequest): Promise<TopicDetail> {
  try {
    await c.admin.createTopics({
      topics: [request.name],
      partitions: request.partitions,
      replicas: request.replicationFactor ?? 1,
      configs: Object.entries(request.configs ?? {}).map(([name, value]) => ({ name, value })),
    });
  } catch (err) {
    throw kafkaHttpError(err, 'body.name');
  }
  c.sampler.invalidate();
  return topicDetail(c, request.name);
}

export async function deleteTopic(c: Console, name: string): Promise<void> {
  await c.topic(name, 0);
  try {
    await c.admin.deleteTopics({ topics: [name] });
  } catch (err) {
    throw kafkaHttpError(err, 'params.topic');
  }
  c.sampler.invalidate();
}

export async function alterConfigs(c: Console, name: string, request: AlterConfigsRequest): Promise<TopicDetail> {
  await c.topic(name, 0);
  const configs = Object.entries(request.configs).map(([config, value]) =>
    value === null ? { name: config, configOperation: CONFIG_DELETE, value: null } : { name: config, configOperation: CONFIG_SET, value },
  );
  try {
    await c.admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configs: configs as never }] });
  } catch (err) {
    throw kafkaHttpError(err, 'body.configs');
  }
  return topicDetail(c, name);
}

export async function deleteRecords(c: Console, name: string, request: DeleteRecordsRequest): Promise<DeleteRecordsResult> {
  const { topic } = await c.topic(name, 0);
  request.partitions.forEach((p, i) => {
    const part = topic.partitions[p.partition];
    if (!part) throw new HttpError(400, `topic ${name} has no partition ${p.partition} (it has ${topic.partitions.length})`, `body.partitions.${i}.partition`);
    if (p.offset > part.end) throw new HttpError(400, `offset ${p.offset} is past the end of partition ${p.partition} (${part.end})`, `body.partitions.${i}.offset`);
  });
  let deleted;
  try {
    deleted = await c.admin.deleteRecords({ topics: [{ name, partitions: request.partitions.map((p) => ({ partition: p.partition, offset: BigInt(p.offset) })) }] });
  } catch (err) {
    throw kafkaHttpError(err, 'body.partitions');
  }
  c.sampler.invalidate();
  return {
    partitions: (deleted.find((t) => t.name === name)?.partitions ?? []).map((p) => ({ partition: p.partition, startOffset: Number(p.lowWatermark) })).sort((a, b) => a.partition - b.partition),
  };
}

/** A refusal of the cluster as a 4xx naming the Kafka error: 409 for what exists already, 400 otherwise. */
export function kafkaHttpError(err: unknown, field: string): HttpError {
  const names = kafkaErrorNames(err);
  if (names.length === 0) return new HttpError(502, `the cluster did not answer: ${errorMessage(err)}`);
  const text = names.join('; ');
  if (/ALREADY_EXISTS/.test(text)) return new HttpError(409, text, field);
  if (/UNKNOWN_TOPIC/.test(text)) return new HttpError(404, text, field);
  return new HttpError(400, text, field);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
