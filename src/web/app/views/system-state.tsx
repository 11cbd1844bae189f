// The state panel: the state the API serves, changing live (GET
// /api/console/systems/state and its live twin), the last messages on the
// state topic, and a form that sends one (POST /api/console/systems/state).
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleMessage, SendStateRequest, StatePanel as StateData } from '../../api/types.ts';
import { useAction, useLive } from '../client/hooks.ts';
import { consoleApi } from '../client/http.ts';
import { useTail } from '../client/tail.ts';
import { href } from '../router.ts';
import { time } from '../ui/format.ts';
import { Link } from '../ui/link.tsx';
import { Card, Empty, ErrorLine, Table, View } from '../ui/view.tsx';

/** The `state` a message carries, if it is a valid state message. */
function stateOf(m: ConsoleMessage): number | undefined {
  const v = m.value.value as { state?: unknown } | null;
  return v && typeof v === 'object' && typeof v.state === 'number' && Number.isInteger(v.state) ? v.state : undefined;
}

export function StatePanel() {
  const { data, error } = useLive<StateData>('systems/state');
  const tail = useTail(data?.topic ?? null, 20);
  const send = useAction((req: SendStateRequest) => consoleApi<unknown>('systems/state', { method: 'POST', body: req }));
  // A short highlight when the value changes: the change is seen, not only read.
  const [flash, setFlash] = useState(false);
  useEffect(() => {
    if (data === undefined) return;
    setFlash(true);
    const t = setTimeout(() => setFlash(false), 600);
    return () => clearTimeout(t);
  }, [data?.state]);

  return (
    <View
      name="system-state"
      ready={data !== undefined}
      title="State"
      error={error}
      actions={data ? <Link href={href('topics', data.topic, 'messages')}>topic {data.topic}</Link> : null}
    >
      <div class="grid">
        <Card title="Current state">
          <div class={`big-value ${flash ? 'flash' : ''}`} data-testid="state-value" aria-live="polite">
            {data ? data.state : '–'}
          </div>
          <p class="muted">
            {data?.message ? (
              <>
                from message {data.message.message_id === undefined ? '' : <span class="mono">{String(data.message.message_id)}</span>}
                {data.message.text ? ` “${data.message.text}”` : ''}
              </>
            ) : (
              'no state message yet: 0 until one arrives'
            )}
          </p>
        </Card>
        <Card title="Send a state">
          <form
            class="form-stack"
            data-testid="state-form"
            onSubmit={(e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              const text = String(f.get('text') ?? '').trim();
              void send.run({ state: Number(f.get('state')), ...(text ? { text } : {}) });
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
              <button type="submit" class="primary" disabled={send.busy}>
                Send
              </button>
            </div>
          </form>
          <ErrorLine text={send.error} />
          {send.result !== undefined && !send.error && !send.busy ? <p class="notice">Sent to {data?.topic ?? 'the state topic'}.</p> : null}
        </Card>
      </div>
      <Card title="Last messages on the topic">
        <ErrorLine text={tail.error} />
        {tail.loaded && tail.messages.length === 0 ? (
          <Empty>None yet.</Empty>
        ) : (
          <Table columns={[{ label: 'Offset', num: true }, 'Time', { label: 'State', num: true }, 'Text', 'Message id']}>
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
          </Table>
        )}
      </Card>
    </View>
  );
}
