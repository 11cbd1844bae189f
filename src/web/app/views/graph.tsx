// The processing graph of each system, drawn as SVG from the app's own
// declaration (the graph API): topics, agents and tables, each edge with its
// rate, each agent with its lag; the dead-letter topics with their counts, the
// letters of one with their error headers, and replay of one letter or all.
import { useState } from 'preact/hooks';
import type { DeadLetterTopicSummary, DeadLettersPage, GraphView as GraphData, ReplayRequest, ReplayResult } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { consoleApi } from '../client/http.ts';
import { href, navigate } from '../router.ts';
import { num, preview, rate, time } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, Table, View } from '../ui/view.tsx';
import { edgePath, layout, NODE_H, NODE_W } from './graph-layout.ts';

type System = GraphData['systems'][number];

export function GraphView(props: { query: URLSearchParams }) {
  const { data, error } = useLive<GraphData>('graph');
  const [chosen, setChosen] = useState<string | null>(props.query.get('dlq'));
  const dlqs = data?.deadLetters ?? [];
  // Until one is chosen, the first with letters in it (else the first): a letter that arrives shows up.
  const current = dlqs.find((d) => d.topic === chosen) ?? dlqs.find((d) => d.count > 0) ?? dlqs[0];
  return (
    <View name="graph" ready={data !== undefined} title="Processing graph" error={error}>
      {data ? (
        <>
          <div class="legend-row">
            <span>
              <span class="swatch" style={{ background: '#eff6ff', borderColor: '#2563eb' }} />
              topic
            </span>
            <span>
              <span class="swatch" style={{ background: '#f0fdf4', borderColor: '#16a34a' }} />
              agent (lag in messages)
            </span>
            <span>
              <span class="swatch" style={{ background: '#fff7ed', borderColor: '#ea580c' }} />
              table
            </span>
            <span>
              <span class="swatch" style={{ background: '#fef2f2', borderColor: '#dc2626' }} />
              dead-letter topic (letters)
            </span>
            <span>edge labels: records/s</span>
          </div>
          {data.systems.length === 0 ? <Empty>This process declares no system.</Empty> : null}
          {data.systems.map((s) => (
            <SystemGraph key={s.name} system={s} deadLetters={dlqs} onDlq={(t) => setChosen(t)} />
          ))}
          <DeadLetters dlqs={dlqs} current={current} onChoose={setChosen} />
        </>
      ) : null}
    </View>
  );
}

function short(s: string, n = 24): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function SystemGraph({ system, deadLetters, onDlq }: { system: System; deadLetters: DeadLetterTopicSummary[]; onDlq: (topic: string) => void }) {
  const g = layout(system.nodes, system.edges);
  const dlqCount = new Map(deadLetters.map((d) => [d.topic, d.count]));
  return (
    <Card
      title={
        <>
          <Link href={href('systems', system.name)}>{system.name}</Link> <span class="muted">{system.description}</span>
        </>
      }
    >
      {system.nodes.length === 0 ? (
        <Empty>No topic, agent or table declared.</Empty>
      ) : (
        <div class="graph-box graph">
          <svg width={g.width} height={g.height + 24} viewBox={`0 0 ${g.width} ${g.height + 24}`} role="img" aria-label={`processing graph of ${system.name}`} data-testid="graph-svg">
            <defs>
              <marker id={`arrow-${system.name}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill="#9ca3af" />
              </marker>
            </defs>
            {system.edges.map((e, i) => {
              const a = g.at.get(e.from);
              const b = g.at.get(e.to);
              if (!a || !b) return null;
              const p = edgePath(a, b);
              const label = e.kind === 'dead-letters' ? 'dead letters' : e.rate === null ? e.kind : `${rate(e.rate)}`;
              return (
                <g key={i} class={`edge ${e.kind}`} data-testid="graph-edge">
                  <path d={p.d} marker-end={`url(#arrow-${system.name})`} />
                  <text x={p.lx} y={p.ly} text-anchor="middle">
                    {label}
                  </text>
                </g>
              );
            })}
            {g.nodes.map(({ node, x, y }) => {
              const dlq = node.kind === 'topic' && dlqCount.has(node.name);
              const sub =
                node.kind === 'agent'
                  ? `lag ${num(node.lag)}${node.rate === null ? '' : ` · ${rate(node.rate)}`}`
                  : dlq
                    ? `${num(dlqCount.get(node.name))} letters`
                    : node.kind === 'topic'
                      ? `topic · ${rate(node.rate)}`
                      : 'table';
              const click = () => {
                if (dlq) onDlq(node.name);
                else if (node.kind === 'topic') navigate(href('topics', node.name));
              };
              return (
                <g
                  key={node.id}
                  class={`node ${node.kind} ${dlq ? 'dlq' : ''}`}
                  transform={`translate(${x},${y})`}
                  data-testid="graph-node"
                  data-kind={node.kind}
                  data-name={node.name}
                  style={{ cursor: node.kind === 'topic' ? 'pointer' : 'default' }}
                  onClick={click}
                >
                  <title>{`${node.kind} ${node.name}${Object.keys(node.details).length ? `\n${JSON.stringify(node.details)}` : ''}`}</title>
                  {node.kind === 'table' ? (
                    <path d={`M0,6 a${NODE_W / 2},6 0 0,1 ${NODE_W},0 v${NODE_H - 12} a${NODE_W / 2},6 0 0,1 -${NODE_W},0 z`} />
                  ) : (
                    <rect width={NODE_W} height={NODE_H} rx={node.kind === 'agent' ? 20 : 5} />
                  )}
                  <text x={NODE_W / 2} y={20} text-anchor="middle">
                    {short(node.name)}
                  </text>
                  <text x={NODE_W / 2} y={37} text-anchor="middle" class="sub">
                    {sub}
                  </text>
                </g>
              );
            })}
          </svg>
        </div>
      )}
    </Card>
  );
}

function DeadLetters({ dlqs, current, onChoose }: { dlqs: DeadLetterTopicSummary[]; current: DeadLetterTopicSummary | undefined; onChoose: (t: string) => void }) {
  return (
    <Card title="Dead letters">
      {dlqs.length === 0 ? (
        <Empty>No dead-letter topic is declared.</Empty>
      ) : (
        <>
          <div class="row" role="tablist" style={{ marginBottom: '10px' }}>
            {dlqs.map((d) => (
              <button key={d.topic} type="button" role="tab" aria-selected={d.topic === current?.topic} class={d.topic === current?.topic ? 'primary small' : 'small'} onClick={() => onChoose(d.topic)}>
                {d.topic} ({num(d.count)})
              </button>
            ))}
          </div>
          {current ? <Letters key={current.topic} dlq={current} /> : null}
        </>
      )}
    </Card>
  );
}

function Letters({ dlq }: { dlq: DeadLetterTopicSummary }) {
  const path = `dead-letters/${encodeURIComponent(dlq.topic)}`;
  const page = useLive<DeadLettersPage>(`${path}/messages`);
  const replay = useAction((req: ReplayRequest) => consoleApi<ReplayResult>(`${path}/replay`, { method: 'POST', body: req }));
  const letters = page.data?.messages ?? [];
  return (
    <div data-testid="dlq" data-topic={dlq.topic}>
      <div class="row" style={{ justifyContent: 'space-between', marginBottom: '8px' }}>
        <span class="muted">
          {num(page.data?.count ?? dlq.count)} letter(s) from <Link href={href('topics', dlq.source)}>{dlq.source}</Link>; replay sends them back there.
        </span>
        <button type="button" class="primary small" data-testid="replay-all" disabled={replay.busy || letters.length === 0} onClick={() => void replay.run({})}>
          Replay all
        </button>
      </div>
      <ErrorLine text={page.error ?? replay.error} />
      {replay.result && !replay.error ? (
        <p class="notice" data-testid="replay-result">
          Replayed {num(replay.result.replayed)}, skipped {num(replay.result.skipped)}.
        </p>
      ) : null}
      {page.data && letters.length === 0 ? (
        <Empty>No letter.</Empty>
      ) : (
        <Table columns={[{ label: 'Partition', num: true }, { label: 'Offset', num: true }, 'Failed at', 'Key', 'Error', { label: 'Attempts', num: true }, 'Source', 'Value', '']}>
          {letters.map((m) => (
            <tr key={`${m.partition}:${m.offset}`} data-testid="dlq-row" data-partition={m.partition} data-offset={m.offset}>
              <td class="num">{m.partition}</td>
              <td class="num">{m.offset}</td>
              <td>{time(m.failedAt ?? m.timestamp)}</td>
              <td class="mono">{m.key.format === 'null' ? <span class="muted">null</span> : preview(m.key.value, 40)}</td>
              <td class="wrap">
                {m.errorType ? <span class="badge poor">{m.errorType}</span> : null} {m.error ?? <span class="muted">–</span>}
              </td>
              <td class="num">{num(m.attempts)}</td>
              <td>{m.source ? `${m.source.topic}[${m.source.partition}]@${m.source.offset}` : '–'}</td>
              <td class="mono">{preview(m.value.value, 60)}</td>
              <td>
                <button type="button" class="small" data-testid="replay" disabled={replay.busy} onClick={() => void replay.run({ partition: m.partition, offset: m.offset })}>
                  Replay
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
