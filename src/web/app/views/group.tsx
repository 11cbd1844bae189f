// One consumer group: its state and protocol, the members with what each is
// assigned, per partition the committed offset and the lag in messages and in
// time, the total lag over the last hour, and resetting the offsets of an
// empty group (to the earliest, the latest, or a time).
import { useState } from 'preact/hooks';
import type { GroupDetail, ResetOffsetsRequest } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { consoleApi } from '../client/http.ts';
import { href } from '../router.ts';
import { TimeChart } from '../ui/chart.tsx';
import { duration, localInput, num } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, Stat, Table, View } from '../ui/view.tsx';
import { stateBadge } from './groups.tsx';

export function GroupView(props: { group: string }) {
  const path = `groups/${encodeURIComponent(props.group)}`;
  const { data, error, reload } = useLive<GroupDetail>(path);
  return (
    <View
      name="group"
      ready={data !== undefined}
      title={
        <>
          <div class="crumbs">
            <Link href={href('groups')}>Consumer groups</Link> /
          </div>
          {props.group}
        </>
      }
      error={error}
    >
      {data ? <Body data={data} path={path} reload={reload} /> : null}
    </View>
  );
}

function Body({ data, path, reload }: { data: GroupDetail; path: string; reload: () => void }) {
  const offsets = [...data.offsets].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return (
    <>
      <div class="stats">
        <Stat label="State" value={<span class={stateBadge(data.state)}>{data.state}</span>} hint={data.protocolType ? `${data.protocolType} / ${data.protocol || '–'}` : undefined} />
        <Stat label="Members" value={num(data.members)} />
        <Stat label="Lag" value={<span data-testid="group-lag">{data.lag}</span>} hint="messages, every partition" />
        <Stat label="Oldest unconsumed" value={duration(data.maxLagMs)} hint="lag in time" />
      </div>
      <Card title="Total lag, last hour">
        <TimeChart yLabel="messages" lines={[{ label: 'lag', points: data.lagHistory }]} height={180} yFormat={(v) => num(v)} whole />
      </Card>
      <Card title="Partitions">
        {offsets.length === 0 ? (
          <Empty>The group has committed no offset.</Empty>
        ) : (
          <Table columns={['Topic', { label: 'Partition', num: true }, { label: 'Committed', num: true }, { label: 'End', num: true }, { label: 'Lag (messages)', num: true }, { label: 'Lag (time)', num: true }, 'Member']}>
            {offsets.map((o) => (
              <tr key={`${o.topic}:${o.partition}`} data-testid="group-partition-row">
                <td>
                  <Link href={href('topics', o.topic)}>{o.topic}</Link>
                </td>
                <td class="num">{o.partition}</td>
                <td class="num">{o.committed < 0 ? <span class="muted">none</span> : num(o.committed)}</td>
                <td class="num">{num(o.endOffset)}</td>
                <td class={`num ${o.lag > 0 ? 'warn' : ''}`}>{num(o.lag)}</td>
                <td class="num">{duration(o.lagMs)}</td>
                <td class="mono">{o.memberId ?? <span class="muted">unassigned</span>}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      <div class="grid">
        <Card title="Members">
          {data.membersInfo.length === 0 ? (
            <Empty>No member: the group is not consuming now.</Empty>
          ) : (
            <Table columns={['Member', 'Client', 'Host', 'Assignment']}>
              {data.membersInfo.map((m) => (
                <tr key={m.memberId}>
                  <td class="mono">{m.memberId}</td>
                  <td>{m.clientId}</td>
                  <td>{m.host}</td>
                  <td>
                    {m.assignment.length === 0
                      ? '–'
                      : m.assignment.map((a) => (
                          <div key={a.topic}>
                            {a.topic}: {a.partitions.join(', ')}
                          </div>
                        ))}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Reset data={data} path={path} reload={reload} />
      </div>
    </>
  );
}

function Reset({ data, path, reload }: { data: GroupDetail; path: string; reload: () => void }) {
  const [to, setTo] = useState<ResetOffsetsRequest['to']>('earliest');
  const [at, setAt] = useState(() => localInput(Date.now() - 3_600_000));
  const [topic, setTopic] = useState('');
  const [done, setDone] = useState<string | undefined>(undefined);
  const reset = useAction((req: ResetOffsetsRequest) => consoleApi<unknown>(`${path}/reset`, { method: 'POST', body: req }));
  const empty = data.state === 'Empty' || data.state === 'Dead';
  return (
    <Card title="Reset offsets">
      {empty ? null : <p class="muted">Only an empty group can be reset: stop its consumers first (state now {data.state}).</p>}
      <form
        class="inline"
        data-testid="reset-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const req: ResetOffsetsRequest = { to };
          if (to === 'time') req.time = new Date(at).getTime();
          if (topic) req.topic = topic;
          setDone(undefined);
          if (await reset.run(req)) {
            setDone(`offsets reset to ${to === 'time' ? at : `the ${to}`}`);
            reload();
          }
        }}
      >
        <label>
          To
          <select name="to" value={to} onChange={(e) => setTo(e.currentTarget.value as ResetOffsetsRequest['to'])}>
            <option value="earliest">earliest</option>
            <option value="latest">latest</option>
            <option value="time">a time</option>
          </select>
        </label>
        {to === 'time' ? (
          <label>
            Time (local)
            <input name="time" type="datetime-local" step={1} value={at} onInput={(e) => setAt(e.currentTarget.value)} required />
          </label>
        ) : null}
        <label>
          Topic
          <select name="topic" value={topic} onChange={(e) => setTopic(e.currentTarget.value)}>
            <option value="">every topic</option>
            {data.topics.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="danger" disabled={!empty || reset.busy}>
          Reset
        </button>
      </form>
      <ErrorLine text={reset.error} />
      {done ? <p class="notice">{done}</p> : null}
    </Card>
  );
}
