// `tributary topics list|create|describe|delete`: topic administration,
// against KAFKA_BROKERS or the local broker.
// Broker refusals are printed with the Kafka error name and exit 1.
import { parseArgs } from 'node:util';
import { createAdmin, topicCounts, type KafkaAdmin } from '../../stream/kafka.js';
import { cliKafkaConfig, errorText, exitOnClosedStdout, table, toJson } from '../format.js';
import { parseInteger, UsageError } from '../usage.js';
import { processIo, type Io } from '../io.js';

const HELP = `Usage: tributary topics <action> [options]

  list [--all] [--json]            topics with partitions and replicas (--all: internal ones too)
  create <name> [--partitions N] [--replicas N] [--config key=value ...]
                                   partitions and replicas default to the broker's defaults
  describe <name> [--json]         partitions (leader, replicas, start and end offsets) and configs
  delete <name>                    deletes the topic and its records

Connects to KAFKA_BROKERS (default 127.0.0.1:BROKER_PORT, 9092).
`;

const TOPIC_RESOURCE = 2; // DescribeConfigs resource type of a topic
const CONFIG_SOURCES: Record<number, string> = { 1: 'topic', 2: 'broker', 3: 'broker', 4: 'broker', 5: 'default', 6: 'broker' };

export async function topicsCommand(argv: string[], io: Io = processIo): Promise<number> {
  exitOnClosedStdout(io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      partitions: { type: 'string' },
      replicas: { type: 'string' },
      config: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, name, ...extra] = positionals;
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (!action) throw new UsageError('missing action', HELP);
  if (!['list', 'create', 'describe', 'delete'].includes(action)) throw new UsageError(`unknown action "${action}"`, HELP);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (action !== 'list' && !name) throw new UsageError(`topics ${action} needs a topic name`);
  const partitions = parseInteger('--partitions', values.partitions, 1);
  const replicas = parseInteger('--replicas', values.replicas, 1, 32767);
  const configs = (values.config ?? []).map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config takes key=value, got "${kv}"`);
    return { name: kv.slice(0, eq), value: kv.slice(eq + 1) };
  });

  const admin = createAdmin(cliKafkaConfig(undefined, io.env));
  try {
    switch (action) {
      case 'list':
        return await list(io, admin, values.all ?? false, values.json ?? false);
      case 'create':
        return await create(io, admin, name!, partitions, replicas, configs);
      case 'describe':
        return await describe(io, admin, name!, values.json ?? false);
      case 'delete':
        await mustExist(admin, name!);
        await admin.deleteTopics({ topics: [name!] });
        io.out(`deleted topic ${name}`);
    }
    return 0;
  } catch (err) {
    io.err(`tributary topics ${action}: ${errorText(err)}`);
    return 1;
  } finally {
    await admin.close().catch(() => {});
  }
}

/**
 * The client library reports a missing topic without the Kafka error name (describe)
 * or only after its retries (delete): check first.
 */
async function mustExist(admin: KafkaAdmin, name: string): Promise<void> {
  if (!(await admin.listTopics({ includeInternals: true })).includes(name)) {
    throw new Error(`UNKNOWN_TOPIC_OR_PARTITION: topic ${name} does not exist`);
  }
}

async function list(io: Io, admin: KafkaAdmin, all: boolean, json: boolean): Promise<number> {
  const names = (await admin.listTopics({ includeInternals: all })).filter((n) => all || !n.startsWith('__')).sort();
  const metadata = names.length > 0 ? await admin.metadata({ topics: names }) : undefined;
  // The client's metadata leaves out internal topics (__consumer_offsets): ask the broker for those.
  const internal = await topicCounts(admin, names.filter((n) => !metadata?.topics.get(n)));
  const rows = names.map((n) => {
    const t = metadata?.topics.get(n);
    const counts = t ? { partitions: t.partitionsCount, replicas: t.partitions[0]?.replicas.length ?? null } : internal.get(n);
    return { name: n, partitions: counts?.partitions ?? null, replicas: counts?.replicas ?? null };
  });
  if (json) {
    for (const r of rows) io.out(toJson(r));
  } else {
    io.out(table(['TOPIC', 'PARTITIONS', 'REPLICAS'], rows.map((r) => [r.name, r.partitions ?? '-', r.replicas ?? '-'])));
  }
  return 0;
}

async function create(
  io: Io,   admin: KafkaAdmin,
  name: string,
  partitions: number | undefined,
  replicas: number | undefined,
  configs: { name: string; value: string }[],
): Promise<number> {
  const [created] = await admin.createTopics({ topics: [name], partitions, replicas, configs });
  io.out(`created topic ${name} with ${created?.partitions ?? partitions ?? '?'} partition(s), replication factor ${created?.replicas ?? replicas ?? '?'}`);
  return 0;
}

async function describe(io: Io, admin: KafkaAdmin, name: string, json: boolean): Promise<number> {
  await mustExist(admin, name);
  const metadata = await admin.metadata({ topics: [name] });
  const t = metadata.topics.get(name);
  if (!t) throw new Error(`topic ${name} is internal: its partitions are not described`);
  const indexes = t.partitions.map((_, i) => i);
  const [starts, ends, configs] = await Promise.all([
    admin.listOffsets({ topics: [{ name, partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: -2n })) }] }),
    admin.listOffsets({ topics: [{ name, partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }] }),
    admin.describeConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name }] }),
  ]);
  const offsetOf = (listed: typeof starts, p: number) => listed.find((l) => l.name === name)?.partitions.find((x) => x.partitionIndex === p)?.offset ?? -1n;
  const partitions = t.partitions.map((p, i) => ({
    partition: i,
    leader: p.leader,
    replicas: p.replicas,
    isr: p.isr,
    startOffset: offsetOf(starts, i),
    endOffset: offsetOf(ends, i),
  }));
  const configEntries = (configs[0]?.configs ?? [])
    .map((c) => ({ name: c.name, value: c.value, source: CONFIG_SOURCES[c.configSource] ?? String(c.configSource) }))
    .sort((a, b) => a.name.localeCompare(b.name));

  if (json) {
    io.out(toJson({ name, id: t.id, partitions, configs: configEntries }));
    return 0;
  }
  const records = partitions.reduce((n, p) => n + (p.endOffset - p.startOffset), 0n);
  io.out(`Topic: ${name}  id: ${t.id}  partitions: ${t.partitionsCount}  replication factor: ${t.partitions[0]?.replicas.length ?? 0}  records: ${records}`);
  io.out('');
  io.out(
    table(
      ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'START', 'END'],
      partitions.map((p) => [p.partition, p.leader, p.replicas.join(',') || '-', p.isr.join(',') || '-', p.startOffset, p.endOffset]),
    ),
  );
  if (configEntries.length > 0) {
    io.out('');
    io.out(table(['CONFIG', 'VALUE', 'SOURCE'], configEntries.map((c) => [c.name, c.value ?? '(null)', c.source])));
  }
  return 0;
}
