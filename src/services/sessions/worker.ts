// The sessions worker: a continuous GROUP BY userId of MIN and MAX of
// metadata.timestamp, as a streaming SQL table would keep it. The running summaries are a
// changelog-backed table; every change (and only a change) is emitted to the
// compacted output topic keyed by userId. The table is partitioned like the
// input, so each user must always arrive on one partition: an event whose
// record key is not its userId is re-keyed onto the input first.
import type { App } from '../../stream/app.js';
import type { Agent } from '../../stream/agent.js';
import type { Table } from '../../stream/table.js';
import { UserSummary, widen, type UserEvent } from './schemas.js';
import type { SessionsTopics } from './topics.js';

export interface SummariesWorker {
  agent: Agent<UserEvent, string>;
  table: Table<UserSummary, string>;
}

export function declareSummariesWorker(app: App, topics: SessionsTopics): SummariesWorker {
  const table = app.table<UserSummary, string>('summaries', { value: UserSummary, description: 'First and last event time per userId' });
  const agent = app.agent(
    topics.input,
    (event, ctx) => {
      const { userId } = event.value;
      if (event.key !== userId) {
        ctx.send(topics.input, event.value, { key: userId, headers: event.headers });
        return;
      }
      const next = widen(table.get(userId), userId, event.value.metadata.timestamp);
      if (!next) return;
      table.set(userId, next);
      ctx.send(topics.output, next, { key: userId });
    },
    { name: 'summaries', outputs: [topics.output], tables: [table] },
  );
  return { agent, table };
}
