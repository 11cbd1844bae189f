// Overview: the cluster at a glance (brokers, topics, partitions, groups),
// records in and out per second with the last hour as a chart, the broker's and
// the database's health, the dead-letter topics with their counts, the systems.
import type { Overview } from '../../api/types.ts';
import { useLive } from '../client/hooks.ts';
import { href } from '../router.ts';
import { TimeChart } from '../ui/chart.tsx';
import { num, rate } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, Stat, Table, View } from '../ui/view.tsx';

export function OverviewView() {
  const { data, error } = useLive<Overview>('overview');
  return (
    <View name="overview" ready={data !== undefined} title="Overview" error={error}>
      {data ? <Body data={data} /> : null}
    </View>
  );
}

function Health(props: { label: string; ok: boolean | null; text: string }) {
  return (
    <Stat
      label={props.label}
      value={<span class={props.ok === null ? 'muted' : props.ok ? 'ok' : 'bad'}>{props.ok === null ? 'none' : props.ok ? 'ok' : 'failing'}</span>}
      hint={props.text}
    />
  );
}

function Body({ data }: { data: Overview }) {
  const dead = data.deadLetters.reduce((n, d) => n + d.count, 0);
  return (
    <>
      <div class="stats">
        <Stat label="Brokers" value={num(data.brokers.length)} hint={data.clusterId ? `cluster ${data.clusterId}` : undefined} />
        <Stat label="Topics" value={<Link href={href('topics')}>{num(data.topics)}</Link>} />
        <Stat label="Partitions" value={num(data.partitions)} />
        <Stat label="Groups" value={<Link href={href('groups')}>{num(data.groups)}</Link>} />
        <Stat label="In" value={rate(data.inPerSec)} hint="records appended" />
        <Stat label="Out" value={rate(data.outPerSec)} hint="records committed" />
        <Health label="Broker" ok={data.health.broker.ok} text={data.health.broker.text} />
        <Health label="Database" ok={data.health.database ? data.health.database.ok : null} text={data.health.database?.text ?? 'not used by this process'} />
        <Stat label="Dead letters" value={<span class={dead > 0 ? 'bad' : ''}>{num(dead)}</span>} hint={<Link href={href('graph')}>on the graph</Link>} />
      </div>
      <Card title="Throughput, last hour">
        <TimeChart
          yLabel="records/s"
          lines={[
            { label: 'in (appended)', points: data.inHistory },
            { label: 'out (committed)', points: data.outHistory },
          ]}
        />
      </Card>
      <div class="grid">
        <Card title="Brokers">
          <Table columns={[{ label: 'Node', num: true }, 'Host', { label: 'Port', num: true }, 'Role']}>
            {data.brokers.map((b) => (
              <tr key={b.nodeId}>
                <td class="num">{b.nodeId}</td>
                <td>{b.host}</td>
                <td class="num">{b.port}</td>
                <td>{b.controller ? <span class="badge good">controller</span> : ''}</td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Dead-letter topics">
          {data.deadLetters.length === 0 ? (
            <Empty>No dead-letter topic.</Empty>
          ) : (
            <Table columns={['Topic', 'Source', { label: 'Letters', num: true }]}>
              {data.deadLetters.map((d) => (
                <tr key={d.topic}>
                  <td>
                    <Link href={`${href('graph')}?dlq=${encodeURIComponent(d.topic)}`}>{d.topic}</Link>
                  </td>
                  <td>
                    <Link href={href('topics', d.source)}>{d.source}</Link>
                  </td>
                  <td class={`num ${d.count > 0 ? 'bad' : ''}`}>{num(d.count)}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card title="Systems">
          {data.systems.length === 0 ? (
            <Empty>This process runs no system (console only).</Empty>
          ) : (
            <ul class="plain">
              {data.systems.map((s) => (
                <li key={s.name}>
                  <Link href={href('systems', s.name)}>{s.name}</Link> <span class="muted">{s.description}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
