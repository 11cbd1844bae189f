// `tributary groups list|describe <group>`: consumer groups as the coordinator
// sees them (state, protocol, members and their partitions), and per partition
// the committed offset, the end offset and the lag between them: how far a
// worker is behind.
import { parseArgs } from 'node:util';
import { createAdmin, type KafkaAdmin } from '../../stream/kafka.js';
import { cliKafkaConfig, errorText, exitOnClosedStdout, table, THROWAWAY_GROUP_PREFIX, toJson } from '../format.js';
import { UsageError } from '../usage.js';
import { processIo, type Io } from '../io.js';

const HELP = `Usage: tributary groups <action> [options]

  list [--all] [--json]        groups with state, protocol and member count
                               (--all: also the throwaway groups of \`tributary consume\`)
  describe <group> [--json]    members with their partitions, and per partition the
                               committed offset, end offset and lag; then the total lag

Connects to KAFKA_BROKERS (default 127.0.0.1:BROKER_PORT, 9092).
`;

export async function groupsCommand(argv: string[], io: Io = processIo): Promise<number> {
  exitOnClosedStdout(io);
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, group, ...extra] = positionals;
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (!action) throw new UsageError('missing action', HELP);
  if (action !== 'list' && action !== 'describe') throw new UsageError(`unknown action "${action}"`, HELP);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (action === 'describe' && !group) throw new UsageError('groups describe needs a group id');

  const admin = createAdmin(cliKafkaConfig(undefined, io.env));
  try {
    if (action === 'list') return await list(io, admin, values.all ?? false, values.json ?? false);
    return await describe(io, admin, group!, values.json ?? false);
  } catch (err) {
    io.err(`tributary groups ${action}: ${errorText(err)}`);
    return 1;
  } finally {
    await admin.close().catch(() => {});
  }
}

async function list(io: Io, admin: KafkaAdmin, all: boolean, json: boolean): Promise<number> {
  const listed = [...(await admin.listGroups()).values()].filter((g) => all || !g.id.startsWith(THROWAWAY_GROUP_PREFIX));
  const described = listed.length > 0 ? await admin.describeGroups({ groups: listed.map((g) => g.id) }) : new Map();
  const rows = listed
    .map((g) => {
      const d = described.get(g.id);
      return { group: g.id, state: d?.state ?? g.state, protocolType: g.protocolType || '-', protocol: d?.protocol || '-', members: d?.members.size ?? 0 };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
  if (json) {
    for (const r of rows) io.out(toJson(r));
  } else {
    io.out(table(['GROUP', 'STATE', 'TYPE', 'PROTOCOL', 'MEMBERS'], rows.map((r) => [r.group, r.state, r.protocolType, r.protocol, r.members])));
  }
  return 0;
}

interface PartitionLag {
  topic: string;
  partition: number;
  /** -1 when the group has committed nothing for the partition. */
  committed: bigint;
  end: bigint;
  /** null when nothing is committed (as kafka-consumer-groups prints "-"). */
  lag: bigint | null;
  member: string | null;
}

async function describe(io: Io, admin: KafkaAdmin, groupId: string, json: boolean): Promise<number> {
  const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId);
  const [offsets] = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const committedTopics = (offsets?.topics ?? []).filter((t) => t.partitions.some((p) => p.committedOffset >= 0n));
  const members = [...(group?.members.values() ?? [])];
  if (!group || (group.state === 'DEAD' && committedTopics.length === 0)) {
    io.err(`tributary groups describe: group ${groupId} does not exist`);
    return 1;
  }

  // Every partition the group has a commit for or a member is assigned.
  const owner = new Map<string, string>(); // "topic:partition" → member id
  const partitions = new Map<string, Set<number>>();
  const add = (topic: string, p: number) => (partitions.get(topic) ?? partitions.set(topic, new Set()).get(topic)!).add(p);
  for (const m of members) {
    for (const a of m.assignments?.values() ?? []) {
      for (const p of a.partitions) {
        owner.set(`${a.topic}:${p}`, m.id);
        add(a.topic, p);
      }
    }
  }
  const committed = new Map<string, bigint>();
  for (const t of committedTopics) {
    for (const p of t.partitions) {
      if (p.committedOffset < 0n) continue;
      committed.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
      add(t.name, p.partitionIndex);
    }
  }
  const topics = [...partitions].map(([name, ps]) => ({ name, partitions: [...ps].sort((a, b) => a - b).map((partitionIndex) => ({ partitionIndex, timestamp: -1n })) }));
  const ends = topics.length > 0 ? await admin.listOffsets({ topics }) : [];
  const lags: PartitionLag[] = [];
  for (const t of ends) {
    for (const p of t.partitions) {
      const key = `${t.name}:${p.partitionIndex}`;
      const c = committed.get(key) ?? -1n;
      lags.push({ topic: t.name, partition: p.partitionIndex, committed: c, end: p.offset, lag: c >= 0n ? maxBig(p.offset - c, 0n) : null, member: owner.get(key) ?? null });
    }
  }
  lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const totalLag = lags.reduce((n, l) => n + (l.lag ?? 0n), 0n);

  if (json) {
    io.out(
      toJson({
        group: groupId,
        state: group.state,
        protocolType: group.protocolType,
        protocol: group.protocol,
        members: members.map((m) => ({
          id: m.id,
          clientId: m.clientId,
          host: m.clientHost,
          assignment: [...(m.assignments?.values() ?? [])].map((a) => ({ topic: a.topic, partitions: a.partitions })),
        })),
        partitions: lags.map((l) => ({ ...l, committed: Number(l.committed), end: Number(l.end), lag: l.lag === null ? null : Number(l.lag) })),
        totalLag: Number(totalLag),
      }),
    );
    return 0;
  }
  io.out(`Group: ${groupId}  state: ${group.state}  protocol: ${group.protocolType || '-'}/${group.protocol || '-'}  members: ${members.length}`);
  io.out('');
  if (members.length > 0) {
    const assignment = (m: (typeof members)[number]) =>
      [...(m.assignments?.values() ?? [])].map((a) => `${a.topic}:${a.partitions.join(',') || '-'}`).join(' ') || '-';
    io.out(table(['MEMBER', 'CLIENT', 'HOST', 'ASSIGNMENT'], members.map((m) => [m.id, m.clientId, m.clientHost, assignment(m)])));
    io.out('');
  }
  io.out(
    table(
      ['TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'MEMBER'],
      lags.map((l) => [l.topic, l.partition, l.committed >= 0n ? l.committed : '-', l.end, l.lag ?? '-', l.member ?? '-']),
    ),
  );
  io.out('');
  io.out(`total lag: ${totalLag}`);
  return 0;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
