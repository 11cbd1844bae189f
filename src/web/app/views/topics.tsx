// Topics: every topic with its partitions, offsets, size, records/s sparkline
// and the consumer groups reading it with their lag; create a topic, delete one.
import { useState } from 'preact/hooks';
import type { CreateTopicRequest, TopicSummary } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { consoleApi } from '../client/http.ts';
import { href } from '../router.ts';
import { ConfirmButton } from '../ui/confirm-button.tsx';
import { bytes, num, rate } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Sparkline } from '../ui/sparkline.tsx';
import { Card, Empty, ErrorLine, Table, View } from '../ui/view.tsx';
import { parseLines } from './parse.ts';

export function TopicsView() {
  const topics = useLive<TopicSummary[]>('topics');
  const [internal, setInternal] = useState(false);
  const [creating, setCreating] = useState(false);
  const del = useAction((name: string) => consoleApi<void>(`topics/${encodeURIComponent(name)}`, { method: 'DELETE' }));
  const rows = (topics.data ?? []).filter((t) => internal || !t.internal).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <View
      name="topics"
      ready={topics.data !== undefined}
      title="Topics"
      error={topics.error}
      actions={
        <>
          <label class="check">
            <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} /> internal topics
          </label>
          <button type="button" class="primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
            New topic
          </button>
        </>
      }
    >
      {creating ? (
        <CreateTopic
          onCreated={() => {
            setCreating(false);
            topics.reload();
          }}
        />
      ) : null}
      <ErrorLine text={del.error} />
      <Card>
        {topics.data && rows.length === 0 ? (
          <Empty>No topic yet.</Empty>
        ) : (
          <Table columns={['Topic', { label: 'Partitions', num: true }, { label: 'Replicas', num: true }, { label: 'Start', num: true }, { label: 'End', num: true }, { label: 'Records', num: true }, { label: 'Size', num: true }, 'Records/s', 'Groups (lag)', '']}>
            {rows.map((t) => (
              <tr key={t.name} data-testid="topic-row" data-topic={t.name}>
                <td>
                  <Link href={href('topics', t.name)}>{t.name}</Link> {t.internal ? <span class="badge">internal</span> : null}
                </td>
                <td class="num">{t.partitions}</td>
                <td class="num">{t.replicas}</td>
                <td class="num">{num(t.startOffset)}</td>
                <td class="num">{num(t.endOffset)}</td>
                <td class="num">{num(t.records)}</td>
                <td class="num">{bytes(t.sizeBytes)}</td>
                <td>
                  <Sparkline series={t.rateHistory} label={`${t.name} records/s`} /> <span class="muted">{rate(t.rate)}</span>
                </td>
                <td>
                  {t.groups.length === 0 ? (
                    <span class="muted">–</span>
                  ) : (
                    t.groups.map((g) => (
                      <span key={g.group} class="group-lag">
                        <Link href={href('groups', g.group)}>{g.group}</Link> <span class={`badge ${g.lag > 0 ? 'mid' : 'good'}`}>{num(g.lag)}</span>{' '}
                      </span>
                    ))
                  )}
                </td>
                <td>
                  <Link href={href('topics', t.name, 'messages')}>messages</Link>{' '}
                  {t.internal ? null : (
                    <ConfirmButton
                      label="delete"
                      confirm={`delete ${t.name}?`}
                      onConfirm={async () => {
                        await del.run(t.name);
                        topics.reload();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </View>
  );
}

function CreateTopic(props: { onCreated: () => void }) {
  const create = useAction((req: CreateTopicRequest) => consoleApi<unknown>('topics', { method: 'POST', body: req }));
  const [configError, setConfigError] = useState<string | undefined>(undefined);
  return (
    <Card title="New topic">
      <form
        class="inline"
        data-testid="create-topic-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const configs = parseLines(String(f.get('configs') ?? ''));
          if (typeof configs === 'string') {
            setConfigError(configs);
            return;
          }
          setConfigError(undefined);
          const req: CreateTopicRequest = { name: String(f.get('name')).trim(), partitions: Number(f.get('partitions')) };
          const rf = String(f.get('replicationFactor') ?? '').trim();
          if (rf) req.replicationFactor = Number(rf);
          if (Object.keys(configs).length > 0) req.configs = configs;
          if (await create.run(req)) props.onCreated();
        }}
      >
        <label>
          Name
          <input name="name" required pattern="[a-zA-Z0-9._\-]{1,249}" title="letters, digits, . _ -" />
        </label>
        <label>
          Partitions
          <input name="partitions" type="number" min={1} defaultValue="1" required style={{ width: '7em' }} />
        </label>
        <label>
          Replication factor
          <input name="replicationFactor" type="number" min={1} placeholder="default" style={{ width: '8em' }} />
        </label>
        <label style={{ flex: '1 1 240px' }}>
          Configs (one name=value a line)
          <textarea name="configs" rows={2} placeholder="cleanup.policy=compact" />
        </label>
        <button type="submit" class="primary" disabled={create.busy}>
          Create
        </button>
      </form>
      <ErrorLine text={configError ?? create.error} />
    </Card>
  );
}
