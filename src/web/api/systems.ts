// The per-system panels: each reads what its service already keeps (the
// players topic, the state follower's latest state, the activity and sessions
// views, the baskets analytics) through the accessors the services expose. A
// system this process does not run (or `tributary console`, which runs none)
// is a 404 naming it.
import { randomUUID } from 'node:crypto';
import { HttpError } from '../../http/errors.js';
import type { ActivityService } from '../../services/activity/index.js';
import type { BasketsService } from '../../services/baskets/index.js';
import type { PlayersService } from '../../services/players/index.js';
import type { Service } from '../../services/service.js';
import type { SessionsService } from '../../services/sessions/index.js';
import type { StateService } from '../../services/state/index.js';
import type { Console } from './console.js';
import { browse } from './messages.js';
import type { ActivityPanel, BasketsPanel, PlayersPanel, SendStateRequest, SessionsPanel, StatePanel } from './types.js';

/** The running service of that name that has the accessor, or 404. */
function system<S extends Service>(c: Console, name: string, has: keyof S): S {
  const s = c.source.declaredOnly ? undefined : c.services.find((x) => x.name === name);
  if (!s || !(has in s)) throw new HttpError(404, `the ${name} system does not run in this process`, 'url');
  return s as S;
}

export async function playersPanel(c: Console, limit = 20): Promise<PlayersPanel> {
  const topic = system<PlayersService>(c, 'players', 'playersTopic').playersTopic.name;
  const { topic: state } = await c.topic(topic);
  const page = await browse(c, topic, { from: 'end', limit });
  return {
    topic,
    count: state.partitions.reduce((n, p) => n + p.end - p.start, 0),
    players: page.messages
      .map((m) => ({ partition: m.partition, offset: m.offset, timestamp: m.timestamp, key: typeof m.key.value === 'string' ? m.key.value : null, player: m.value.value }))
      .reverse(),
  };
}

export function statePanel(c: Console): StatePanel {
  const s = system<StateService>(c, 'state', 'latest');
  const message = s.latest.message;
  return { topic: s.stateTopic.name, state: s.latest.state, message: message ? { ...message } : null };
}

export async function sendState(c: Console, request: SendStateRequest): Promise<{ sent: true }> {
  const s = system<StateService>(c, 'state', 'latest');
  await s.app.send(s.stateTopic, [{ value: { message_id: randomUUID(), state: request.state, ...(request.text !== undefined ? { text: request.text } : {}) } }]);
  c.sampler.invalidate();
  return { sent: true };
}

export function activityPanel(c: Console): ActivityPanel {
  return system<ActivityService>(c, 'activity', 'view').view.snapshot();
}

export function sessionsPanel(c: Console, q: string | undefined, limit = 100): SessionsPanel {
  const all = system<SessionsService>(c, 'sessions', 'view').view.all();
  const needle = q?.trim().toLowerCase();
  const matched = needle ? all.filter((s) => s.userId.toLowerCase().includes(needle)) : all;
  return { total: all.length, matched: matched.length, summaries: matched.slice(0, limit) };
}

export async function basketsPanel(c: Console): Promise<BasketsPanel> {
  const s = system<BasketsService>(c, 'baskets', 'analytics');
  try {
    return await s.analytics();
  } catch (err) {
    throw new HttpError(503, `the baskets analytics are unavailable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function requireBaskets(c: Console): void {
  system<BasketsService>(c, 'baskets', 'analytics');
}
