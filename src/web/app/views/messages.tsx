// Messages of one topic: browse by partition from an offset, the end, the
// start or a time; filter by key, text or JSON path; each record's decoded key
// and value with its headers, copied as JSON on demand; a live tail of what is
// appended; and a form to produce a record (key, headers, value). The browse
// settings live in the URL's query, so a view can be linked and reloaded.
import { Fragment } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ConsoleMessage, DecodedField, MessagesPage, ProduceRequest, ProduceResult, TopicDetail } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { consoleApi, query } from '../client/http.ts';
import { openLive } from '../client/live.ts';
import { href, navigate } from '../router.ts';
import { copyText } from '../ui/copy.ts';
import { localInput, num, preview, time } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, Table, View } from '../ui/view.tsx';
import { parseLines } from './parse.ts';

/** The browse settings the query string holds. */
interface Browse {
  partition: string;
  from: 'end' | 'start' | 'offset' | 'time';
  offset: string;
  time: string;
  limit: string;
  key: string;
  text: string;
  jsonPath: string;
  jsonValue: string;
}

const FIELDS: (keyof Browse)[] = ['partition', 'from', 'offset', 'time', 'limit', 'key', 'text', 'jsonPath', 'jsonValue'];
/** Most records the page keeps while tailing: older ones drop off the bottom. */
const TAIL_KEEP = 500;

function browseOf(q: URLSearchParams): Browse {
  const from = q.get('from');
  return {
    partition: q.get('partition') ?? '',
    from: from === 'start' || from === 'offset' || from === 'time' ? from : 'end',
    offset: q.get('offset') ?? '',
    time: q.get('time') ?? '',
    limit: q.get('limit') ?? '50',
    key: q.get('key') ?? '',
    text: q.get('text') ?? '',
    jsonPath: q.get('jsonPath') ?? '',
    jsonValue: q.get('jsonValue') ?? '',
  };
}

/** The filters alone, for the live tail (which always reads from the end). */
function filters(b: Browse) {
  return { partition: b.partition, key: b.key, text: b.text, jsonPath: b.jsonPath, jsonValue: b.jsonPath ? b.jsonValue : '' };
}

function apiQuery(b: Browse): string {
  return query({
    ...filters(b),
    from: b.from,
    offset: b.from === 'offset' ? b.offset : '',
    time: b.from === 'time' && b.time ? new Date(b.time).getTime() : '',
    limit: b.limit,
  });
}

const id = (m: ConsoleMessage) => `${m.partition}:${m.offset}`;

export function MessagesView(props: { topic: string; query: URLSearchParams }) {
  const base = `topics/${encodeURIComponent(props.topic)}`;
  const browse = browseOf(props.query);
  const detail = useLive<TopicDetail>(base, { live: false });
  const page = useLive<MessagesPage>(`${base}/messages${apiQuery(browse)}`, { live: false });
  const [tail, setTail] = useState(false);
  const [tailed, setTailed] = useState<ConsoleMessage[]>([]);
  const [open, setOpen] = useState<string | null>(null);

  const filterQuery = query(filters(browse));
  useEffect(() => {
    setTailed([]);
    if (!tail) return;
    return openLive<MessagesPage>(`${base}/messages${query({ ...filters(browse), from: 'end', limit: browse.limit })}`, (p) => {
      setTailed((old) => [...p.messages, ...old].slice(0, TAIL_KEEP));
    });
  }, [tail, base, filterQuery]);

  // Newest first when reading the end (and while tailing); in offset order otherwise.
  const rows = useMemo(() => {
    const seen = new Set<string>();
    const all = [...tailed, ...(page.data?.messages ?? [])].filter((m) => (seen.has(id(m)) ? false : (seen.add(id(m)), true)));
    if (browse.from === 'end' || tail) all.sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset);
    return all;
  }, [tailed, page.data, browse.from, tail]);

  const apply = (b: Browse) => {
    const q = new URLSearchParams();
    for (const f of FIELDS) if (b[f] !== '' && !(f === 'from' && b[f] === 'end') && !(f === 'limit' && b[f] === '50')) q.set(f, b[f]);
    const s = q.toString();
    navigate(`${href('topics', props.topic, 'messages')}${s ? `?${s}` : ''}`, { replace: true });
  };

  const partitions = detail.data?.partitionInfo.map((p) => p.partition) ?? [];
  const next = browse.partition !== '' ? page.data?.next[browse.partition] : undefined;

  return (
    <View
      name="messages"
      ready={page.data !== undefined}
      title={
        <>
          <div class="crumbs">
            <Link href={href('topics')}>Topics</Link> / <Link href={href('topics', props.topic)}>{props.topic}</Link> /
          </div>
          Messages
        </>
      }
      error={page.error}
      actions={
        <label class="check">
          <input type="checkbox" data-testid="live-tail" checked={tail} onChange={(e) => setTail(e.currentTarget.checked)} /> live tail
        </label>
      }
    >
      <div class="split">
        <div class="stack">
          <Card>
            <BrowseForm key={props.query.toString()} browse={browse} partitions={partitions} onApply={apply} onReload={page.reload} />
          </Card>
          <Card>
            <div class="row" style={{ justifyContent: 'space-between', marginBottom: '6px' }}>
              <span class="muted">
                {num(rows.length)} record{rows.length === 1 ? '' : 's'}
                {page.data ? `, ${num(page.data.scanned)} scanned` : ''}
                {tail ? ', tailing' : ''}
              </span>
              {next !== undefined ? (
                <button type="button" class="small" onClick={() => apply({ ...browse, from: 'offset', offset: String(next) })}>
                  Next page from offset {num(next)}
                </button>
              ) : null}
            </div>
            {page.data && rows.length === 0 ? (
              <Empty>No record matches.</Empty>
            ) : (
              <Table class="messages" columns={[{ label: 'Partition', num: true }, { label: 'Offset', num: true }, 'Time', 'Key', 'Value', { label: 'Headers', num: true }]}>
                {rows.map((m) => (
                  <Row key={id(m)} m={m} open={open === id(m)} onToggle={() => setOpen(open === id(m) ? null : id(m))} />
                ))}
              </Table>
            )}
          </Card>
        </div>
        <Produce topic={props.topic} partitions={partitions} onProduced={() => page.reload()} />
      </div>
    </View>
  );
}

function BrowseForm(props: { browse: Browse; partitions: number[]; onApply: (b: Browse) => void; onReload: () => void }) {
  const [b, setB] = useState<Browse>(props.browse);
  const set = (k: keyof Browse) => (e: { currentTarget: { value: string } }) => setB({ ...b, [k]: e.currentTarget.value });
  return (
    <form
      class="inline"
      data-testid="browse-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (JSON.stringify(b) === JSON.stringify(props.browse)) props.onReload();
        else props.onApply(b);
      }}
    >
      <label>
        Partition
        <select name="browsePartition" value={b.partition} onChange={set('partition')}>
          <option value="">all</option>
          {props.partitions.map((p) => (
            <option key={p} value={String(p)}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <select name="from" value={b.from} onChange={(e) => setB({ ...b, from: e.currentTarget.value as Browse['from'], time: b.time || localInput(Date.now() - 3_600_000) })}>
          <option value="end">the end (latest)</option>
          <option value="start">the start</option>
          <option value="offset">an offset</option>
          <option value="time">a time</option>
        </select>
      </label>
      {b.from === 'offset' ? (
        <label>
          Offset
          <input name="offset" type="number" min={0} required value={b.offset} onInput={set('offset')} style={{ width: '9em' }} />
        </label>
      ) : null}
      {b.from === 'time' ? (
        <label>
          Time (local)
          <input name="time" type="datetime-local" step={1} required value={b.time} onInput={set('time')} />
        </label>
      ) : null}
      <label>
        Limit
        <input name="limit" type="number" min={1} max={500} value={b.limit} onInput={set('limit')} style={{ width: '6em' }} />
      </label>
      <label>
        Key is
        <input name="filterKey" value={b.key} onInput={set('key')} placeholder="exact key" style={{ width: '9em' }} />
      </label>
      <label>
        Text contains
        <input name="text" value={b.text} onInput={set('text')} placeholder="in key, value, headers" style={{ width: '11em' }} />
      </label>
      <label>
        JSON path
        <input name="jsonPath" value={b.jsonPath} onInput={set('jsonPath')} placeholder="customer.id" style={{ width: '9em' }} />
      </label>
      <label>
        equals
        <input name="jsonValue" value={b.jsonValue} onInput={set('jsonValue')} placeholder="(path exists)" style={{ width: '8em' }} disabled={!b.jsonPath} />
      </label>
      <button type="submit" class="primary">
        Read
      </button>
    </form>
  );
}

function fieldText(f: DecodedField): string {
  if (f.format === 'null') return 'null';
  if (f.format === 'text' || f.format === 'binary') return String(f.value);
  return JSON.stringify(f.value);
}

function FormatBadge({ f }: { f: DecodedField }) {
  return <span class="badge">{f.type ?? f.format}</span>;
}

/** The record as JSON, its key and value decoded: what "copy as JSON" puts on the clipboard. */
export function messageJson(m: ConsoleMessage): string {
  return JSON.stringify(
    { topic: m.topic, partition: m.partition, offset: m.offset, timestamp: m.timestamp, key: m.key.value, value: m.value.value, headers: m.headers },
    null,
    2,
  );
}

function Row({ m, open, onToggle }: { m: ConsoleMessage; open: boolean; onToggle: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const headers = Object.entries(m.headers ?? {});
  return (
    <>
      <tr class={`clickable ${open ? 'selected' : ''}`} data-testid="message-row" data-partition={m.partition} data-offset={m.offset} onClick={onToggle}>
        <td class="num">{m.partition}</td>
        <td class="num">{m.offset}</td>
        <td>{time(m.timestamp)}</td>
        <td class="mono">{m.key.format === 'null' ? <span class="muted">null</span> : preview(fieldText(m.key), 40)}</td>
        <td class="mono cut">{preview(fieldText(m.value), 100)}</td>
        <td class="num">{headers.length}</td>
      </tr>
      {open ? (
        <tr class="message-detail">
          <td colSpan={6}>
            <div class="grid">
              <div>
                <h3>
                  Value <FormatBadge f={m.value} /> <span class="muted">{num(m.value.size)} bytes</span>
                </h3>
                <pre data-testid="message-value">{m.value.format === 'json' || m.value.format === 'protobuf' ? JSON.stringify(m.value.value, null, 2) : fieldText(m.value)}</pre>
              </div>
              <div>
                <h3>
                  Key <FormatBadge f={m.key} />
                </h3>
                <pre>{fieldText(m.key)}</pre>
                <h3>Headers</h3>
                {headers.length === 0 ? (
                  <Empty>none</Empty>
                ) : (
                  <dl class="kv">
                    {headers.map(([k, v]) => (
                      <Fragment key={k}>
                        <dt>{k}</dt>
                        <dd class="mono">{v}</dd>
                      </Fragment>
                    ))}
                  </dl>
                )}
                <div class="row" style={{ marginTop: '10px' }}>
                  <button
                    type="button"
                    class="small"
                    data-testid="copy-json"
                    onClick={async (e) => {
                      e.stopPropagation();
                      setCopied((await copyText(messageJson(m))) ? 'copied' : 'the browser refused the clipboard');
                    }}
                  >
                    Copy as JSON
                  </button>
                  {copied ? <span class="muted">{copied}</span> : null}
                </div>
              </div>
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}

function Produce(props: { topic: string; partitions: number[]; onProduced: () => void }) {
  const produce = useAction((req: ProduceRequest) => consoleApi<ProduceResult>(`topics/${encodeURIComponent(props.topic)}/messages`, { method: 'POST', body: req }));
  const [formError, setFormError] = useState<string | undefined>(undefined);
  return (
    <Card title="Produce a record">
      <form
        class="form-stack"
        data-testid="produce-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const headers = parseLines(String(f.get('headers') ?? ''));
          if (typeof headers === 'string') {
            setFormError(`headers: ${headers}`);
            return;
          }
          setFormError(undefined);
          const key = String(f.get('key') ?? '');
          const partition = String(f.get('partition') ?? '').trim();
          const req: ProduceRequest = { key: key === '' ? null : key, value: String(f.get('value') ?? ''), headers };
          if (partition !== '') req.partition = Number(partition);
          if (await produce.run(req)) props.onProduced();
        }}
      >
        <label>
          Key (empty: none)
          <input name="key" autoComplete="off" />
        </label>
        <label>
          Partition (empty: by key)
          <input name="partition" type="number" min={0} max={props.partitions.length > 0 ? props.partitions.length - 1 : undefined} />
        </label>
        <label>
          Headers (one name=value a line)
          <textarea name="headers" rows={2} placeholder="source=console" />
        </label>
        <label>
          Value
          <textarea name="value" rows={6} placeholder='{"hello": "world"}' />
        </label>
        <div class="row">
          <button type="submit" class="primary" disabled={produce.busy}>
            Produce
          </button>
        </div>
      </form>
      <ErrorLine text={formError ?? produce.error} />
      {produce.result && !produce.error ? (
        <p class="notice">
          Sent: <span data-testid="produce-result">{`partition ${produce.result.partition} offset ${produce.result.offset}`}</span>
        </p>
      ) : null}
    </Card>
  );
}
