// System 4, sessions: user events on input_topic are summarized per userId
// (first and last metadata.timestamp) by a worker into a changelog-backed
// table whose changes go to the compacted output_topic; the API serves the
// summaries from its own view of output_topic.
import { createApp } from '../../stream/app.js';
import type { Service, ServiceContext } from '../service.js';
import { declareSummariesWorker } from './worker.js';
import { declareSessionsTopics } from './topics.js';
import { SummariesView } from './view.js';

/** The sessions service, with what the console's panel reads: the API's view of the summaries. */
export interface SessionsService extends Service {
  readonly view: SummariesView;
}

export const createSessionsService = (ctx: ServiceContext): SessionsService => {
  const app = createApp({
    id: 'tributary-sessions',
    kafka: ctx.kafka,
    // Static membership, as for baskets: a restarted worker takes its partitions back at once.
    groupInstanceId: () => ctx.groupInstanceId,
    log: (level, msg, extra) => ctx.log[level]({ ...extra, service: 'sessions' }, msg),
  });
  const topics = declareSessionsTopics(app);
  declareSummariesWorker(app, topics);
  const view = new SummariesView(topics.output, ctx.kafka, ctx.log);
  return {
    name: 'sessions',
    description: 'First and last event time per user: a stream aggregation of input_topic into the compacted output_topic',
    app,
    hasWorker: true,
    view,
    routes: async (http) => (await import('./routes.js')).summariesRoutes(http, view),
    startApi: () => view.start(),
    stopApi: () => view.stop(),
  };
};
