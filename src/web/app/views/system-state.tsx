// The state panel: the current state, changing live as messages arrive on the
// state topic, the last messages, and a form that sends one ({state, text,
// message_id}) to the topic through the console's produce API.
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleMessage, ProduceRequest, ProduceResult } from '../../api/types.ts';
import { useAction, usePoll } from '../client/hooks.ts';
import { consoleApi } from '../client/http.ts';
import { useTail } from '../client/tail.ts';
import { href } from '../router.ts';
import { time } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, TableBox, View } from '../ui/view.tsx';
import { useSystemTopic } from './system-topic.ts';

/** The `state` a message carries, if it is a valid state message. */
function stateOf(m: ConsoleMessage): number | undefined {
  const v = m.value.value as { state?: unknown } | null;
  return v && typeof v === 'object' && typeof v.state === 'number' && Number.isInteger(v.state) ? v.state : undefined;
}

function messageId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `console-${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export function StatePanel() {
  const topic = useSystemTopic('state', 'state');
  const tail = useTail(topic, 20);
  // GET /state answers before any message is on the topic (0), and after the topic's
  // records were deleted; the newest valid message on the topic wins once there is one.
  const served = usePoll<{ state: number }>('/state', 5000);
  // One partition: the newest is the highest offset, whatever timestamps producers set.
  const newest = tail.messages.filter((m) => stateOf(m) !== undefined).reduce<ConsoleMessage | undefined>((a, m) => (a && a.offset > m.offset ? a : m), undefined);
  const value = newest ? stateOf(newest) : served.data?.state;
  const [flash, setFlash] = useState(false);
  useEffect(() => {
    if (value === undefined) return;
    setFlash(true);
    const t = setTimeout(() => setFlash(false), 600);
    return () => clearTimeout(t);
  }, [value]);
  const send = useAction((req: ProduceRequest) => consoleApi<ProduceResult>(`topics/${encodeURIComponent(topic ?? 'state')}/messages`, { method: 'POST', body: req }));

  return (
    <View
      name="system-state"
      ready={value !== undefined}
      title="State"
      error={tail.error ?? served.error}
      actions={topic ? <Link href={href('topics', topic, 'messages')}>topic {topic}</Link> : null}
    >
      <div class="grid">
        <Card title="Current state">
          <div class={`big-value ${flash ? 'flash' : ''}`} data-testid="state-value" aria-live="polite">
            {value ?? '–'}
          </div>
          <p class="muted">{newest ? `since ${time(newest.timestamp)} (offset ${newest.offset})` : 'no state message on the topic yet'}</p>
        </Card>
        <Card title="Send a state">
          <form
            class="form-stack"
            data-testid="state-form"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              const text = String(f.get('text') ?? '').trim();
              const message = { message_id: messageId(), state: Number(f.get('state')), ...(text ? { text } : {}) };
              void send.run({ key: null, value: JSON.stringify(message) });
            }}
          >
            <label>
              State (an integer)
              <input name="state" type="number" step={1} required />
            </label>
            <label>
              Text (optional)
              <input name="text" autoComplete="off" />
            </label>
            <div class="row">
              <button type="submit" class="primary" disabled={send.busy || topic === null}>
                Send
              </button>
            </div>
          </form>
          <ErrorLine text={send.error} />
          {send.result && !send.error ? <p class="notice">Sent: partition {send.result.partition} offset {send.result.offset}</p> : null}
        </Card>
      </div>
      <Card title="Last messages">
        {tail.loaded && tail.messages.length === 0 ? (
          <Empty>None yet.</Empty>
        ) : (
          <TableBox>
            <table>
              <thead>
                <tr>
                  <th class="num">Offset</th>
                  <th>Time</th>
                  <th class="num">State</th>
                  <th>Text</th>
                  <th>Message id</th>
                </tr>
              </thead>
              <tbody>
                {tail.messages.map((m) => {
                  const v = (m.value.value ?? {}) as { text?: unknown; message_id?: unknown };
                  return (
                    <tr key={`${m.partition}:${m.offset}`} data-testid="state-row">
                      <td class="num">{m.offset}</td>
                      <td>{time(m.timestamp)}</td>
                      <td class="num">{stateOf(m) ?? <span class="bad">invalid</span>}</td>
                      <td>{typeof v.text === 'string' ? v.text : ''}</td>
                      <td class="mono muted">{v.message_id === undefined ? '' : String(v.message_id)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableBox>
        )}
      </Card>
    </View>
  );
}
