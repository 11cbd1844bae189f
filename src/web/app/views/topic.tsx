// One topic: its figures and records/s over time, the partitions with their
// leaders and offsets, the groups reading it, its configs (editable) and a form
// to delete the records before an offset.
import { useState } from 'preact/hooks';
import type { AlterConfigsRequest, ConfigEntry, DeleteRecordsRequest, TopicDetail } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { consoleApi } from '../client/http.ts';
import { href, navigate } from '../router.ts';
import { TimeChart } from '../ui/chart.tsx';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import { bytes, num, rate } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, Stat, Table, View } from '../ui/view.tsx';

export function TopicView(props: { topic: string }) {
  const path = `topics/${encodeURIComponent(props.topic)}`;
  const { data, error, reload } = useLive<TopicDetail>(path);
  const del = useAction(() => consoleApi<void>(path, { method: 'DELETE' }));
  return (
    <View
      name="topic"
      ready={data !== undefined}
      title={
        <>
          <div class="crumbs">
            <Link href={href('topics')}>Topics</Link> /
          </div>
          {props.topic}
        </>
      }
      error={error ?? del.error}
      actions={
        <>
          <Link href={href('topics', props.topic, 'messages')} class="button-link">
            Browse messages
          </Link>
          {data && !data.internal ? (
            <ConfirmButton
              label="Delete topic"
              confirm="Really delete?"
              onConfirm={async () => {
                if (await del.run()) navigate(href('topics'));
              }}
            />
          ) : null}
        </>
      }
    >
      {data ? <Body data={data} path={path} reload={reload} /> : null}
    </View>
  );
}

function Body({ data, path, reload }: { data: TopicDetail; path: string; reload: () => void }) {
  return (
    <>
      <div class="stats">
        <Stat label="Partitions" value={num(data.partitions)} hint={`replication ${data.replicas}`} />
        <Stat label="Records" value={num(data.records)} hint={`offsets ${num(data.startOffset)} – ${num(data.endOffset)}`} />
        <Stat label="Size" value={bytes(data.sizeBytes)} />
        <Stat label="Rate" value={rate(data.rate)} hint="records appended" />
      </div>
      <Card title="Records appended">
        <TimeChart yLabel="records/s" lines={[{ label: data.name, points: data.rateHistory }]} height={180} />
      </Card>
      <div class="grid">
        <Card title="Partitions">
          <Table columns={[{ label: 'Partition', num: true }, { label: 'Leader', num: true }, 'Replicas', 'In sync', { label: 'Start', num: true }, { label: 'End', num: true }, { label: 'Records', num: true }, { label: 'Size', num: true }]}>
            {data.partitionInfo.map((p) => (
              <tr key={p.partition} data-testid="partition-row">
                <td class="num">
                  <Link href={`${href('topics', data.name, 'messages')}?partition=${p.partition}`}>{p.partition}</Link>
                </td>
                <td class="num">{p.leader}</td>
                <td>{p.replicas.join(', ')}</td>
                <td>{p.isr.join(', ')}</td>
                <td class="num">{num(p.startOffset)}</td>
                <td class="num">{num(p.endOffset)}</td>
                <td class="num">{num(p.endOffset - p.startOffset)}</td>
                <td class="num">{bytes(p.sizeBytes)}</td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Consumer groups">
          {data.groups.length === 0 ? (
            <Empty>No group has committed offsets on this topic.</Empty>
          ) : (
            <Table columns={['Group', { label: 'Lag (messages)', num: true }]}>
              {data.groups.map((g) => (
                <tr key={g.group}>
                  <td>
                    <Link href={href('groups', g.group)}>{g.group}</Link>
                  </td>
                  <td class="num">{num(g.lag)}</td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
      <DeleteRecords data={data} path={path} reload={reload} />
      <Configs configs={data.configs} path={path} reload={reload} />
    </>
  );
}

function DeleteRecords({ data, path, reload }: { data: TopicDetail; path: string; reload: () => void }) {
  const [partition, setPartition] = useState('all');
  const [offset, setOffset] = useState('');
  const action = useAction((req: DeleteRecordsRequest) => consoleApi<unknown>(`${path}/delete-records`, { method: 'POST', body: req }));
  const [done, setDone] = useState<string | undefined>(undefined);
  return (
    <Card title="Delete records before an offset">
      <form
        class="inline"
        data-testid="delete-records-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const o = Number(offset);
          const parts = partition === 'all' ? data.partitionInfo.map((p) => p.partition) : [Number(partition)];
          // Per partition, never past its end: "before 100" on a partition that holds 40 deletes those 40.
          const req = {
            partitions: parts.map((p) => ({ partition: p, offset: Math.min(o, data.partitionInfo.find((x) => x.partition === p)?.endOffset ?? o) })),
          };
          setDone(undefined);
          if (await action.run(req)) {
            setDone(`records before offset ${o} deleted on ${partition === 'all' ? 'every partition' : `partition ${partition}`}`);
            reload();
          }
        }}
      >
        <label>
          Partition
          <select name="partition" value={partition} onChange={(e) => setPartition(e.currentTarget.value)}>
            <option value="all">all</option>
            {data.partitionInfo.map((p) => (
              <option key={p.partition} value={String(p.partition)}>
                {p.partition}
              </option>
            ))}
          </select>
        </label>
        <label>
          Before offset
          <input name="offset" type="number" min={0} required value={offset} onInput={(e) => setOffset(e.currentTarget.value)} style={{ width: '10em' }} />
        </label>
        <button type="submit" class="danger" disabled={action.busy || data.internal}>
          Delete records
        </button>
      </form>
      <ErrorLine text={action.error} />
      {done ? <p class="notice">{done}</p> : null}
    </Card>
  );
}

function Configs({ configs, path, reload }: { configs: ConfigEntry[]; path: string; reload: () => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const [showDefaults, setShowDefaults] = useState(false);
  const save = useAction((req: AlterConfigsRequest) => consoleApi<unknown>(`${path}/configs`, { method: 'PUT', body: req }));
  const rows = configs.filter((c) => showDefaults || !c.isDefault).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Card title="Configs">
      <div class="row" style={{ marginBottom: '8px' }}>
        <label class="check">
          <input type="checkbox" checked={showDefaults} onChange={(e) => setShowDefaults(e.currentTarget.checked)} /> show defaults ({configs.filter((c) => c.isDefault).length})
        </label>
      </div>
      <ErrorLine text={save.error} />
      {rows.length === 0 ? (
        <Empty>Every config has its default value.</Empty>
      ) : (
        <Table columns={['Name', 'Value', '']}>
          {rows.map((c) => (
            <tr key={c.name} data-testid="config-row">
              <td class="mono">{c.name}</td>
              <td class="wrap">
                {editing === c.name ? (
                  <form
                    class="inline"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      if (await save.run({ configs: { [c.name]: value } })) {
                        setEditing(null);
                        reload();
                      }
                    }}
                  >
                    <input name="value" value={value} onInput={(e) => setValue(e.currentTarget.value)} autoFocus />
                    <button type="submit" class="primary small" disabled={save.busy}>
                      save
                    </button>
                    <button type="button" class="small" onClick={() => setEditing(null)}>
                      cancel
                    </button>
                  </form>
                ) : (
                  <>
                    <span class="mono">{c.sensitive ? '••••••' : (c.value ?? 'null')}</span> {c.isDefault ? <span class="badge">default</span> : null}
                  </>
                )}
              </td>
              <td>
                {c.readOnly || editing === c.name ? null : (
                  <>
                    <button
                      type="button"
                      class="small"
                      onClick={() => {
                        setEditing(c.name);
                        setValue(c.value ?? '');
                      }}
                    >
                      edit
                    </button>{' '}
                    {c.isDefault ? null : (
                      <button
                        type="button"
                        class="small"
                        title="Back to the default"
                        onClick={async () => {
                          if (await save.run({ configs: { [c.name]: null } })) reload();
                        }}
                      >
                        reset
                      </button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
