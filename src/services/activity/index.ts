// System 3, activity: a users API over the database; every request to the API
// (any service's) is recorded as a protobuf BackendApiActivity on `Users`, and
// a worker counts them per endpoint, method and client, all-time and per minute,
// in changelog-backed tables that GET /api/activity reads back.
import { createApp } from '../../stream/app.js';
import type { Service, ServiceContext } from '../service.js';
import { recordActivity } from './emit.js';
import { declareActivityTopology } from './topics.js';
import { UsageCounter } from './worker.js';
import { usageRoutes } from './usage-routes.js';
import { ActivityView } from './view.js';

/** The activity service, with what the console's panel reads: the API's view of the usage tables. */
export interface ActivityService extends Service {
  readonly view: ActivityView;
}

export const createActivityService = (ctx: ServiceContext): ActivityService => {
  const app = createApp({
    id: 'tributary-activity',
    kafka: ctx.kafka,
    // Static membership, as for baskets: a restarted worker takes its partitions back at once.
    groupInstanceId: () => ctx.groupInstanceId,
    log: (level, msg, extra) => ctx.log[level]({ ...extra, service: 'activity' }, msg),
    // Its sends are the requests' activity events, which no one waits for: they go
    // in at most ~50 produce requests a second, off the requests' path, however busy the API is.
    sendLingerMs: 20,
  });
  const topology = declareActivityTopology(app);
  const counter = new UsageCounter(topology);
  // A batch agent: the requests waiting on a partition are counted together, each changed key set once.
  app.batchAgent(
    topology.users,
    (events) => counter.countAll(events.map((e) => ({ activity: e.value, time: Number(e.timestamp) })), events[0]!.partition),
    {
      name: 'activity-counter',
      tables: [topology.totals, topology.clients, topology.minutes],
      // Counted per interval, not per request: a fetch waits up to 100 ms for 64 KB of
      // requests, so the tables (and their changelogs, and the API's view of them)
      // change a few times a second however busy the API is.
      fetchMinBytes: 64 * 1024,
      fetchMaxWaitMs: 100,
    },
  );
  const view = new ActivityView(topology, ctx.kafka, ctx.log);
  let stopRecording = () => {};

  return {
    name: 'activity',
    description: 'Users API; every API request is recorded on Users (protobuf) and counted per endpoint, method, client and minute',
    app,
    hasWorker: true,
    view,
    async routes(http) {
      stopRecording = recordActivity(http, app, topology.users, ctx.log);
      (await import('./routes.js')).usersRoutes(http, () => ctx.database());
      usageRoutes(http, view);
    },
    startApi: () => view.start(),
    async stopApi() {
      stopRecording();
      await view.stop();
    },
    async stopWorker() {
      await app.stop();
      counter.reset();
    },
  };
};
