// System 2, state: the API follows the state topic itself and answers GET /state
// from memory. No worker; `tributary state send` is the producer.
import { createApp } from '../../stream/app.js';
import type { Service, ServiceContext } from '../service.js';
import { startStateFollower, type StateFollower } from './follow.js';
import { LatestState } from './latest.js';
import { stateTopicName, stateTopicOptions, type StateTopic } from './topics.js';

/** The state service, with what the console's panel reads: the latest state and its topic. */
export interface StateService extends Service {
  readonly latest: LatestState;
  readonly stateTopic: StateTopic;
}

export const createStateService = (ctx: ServiceContext): StateService => {
  const app = createApp({ id: 'tributary-state', kafka: ctx.kafka });
  const topic = app.topic(stateTopicName(ctx.env), stateTopicOptions());
  const latest = new LatestState();
  const log = ctx.log.child({ service: 'state' });
  let follower: StateFollower | undefined;
  return {
    name: 'state',
    description: 'Serves the latest state sent to the state topic; survives restarts',
    app,
    hasWorker: false,
    latest,
    stateTopic: topic,
    routes: async (http) => (await import('./routes.js')).stateRoutes(http, latest),
    async startApi() {
      follower ??= await startStateFollower(ctx.kafka, topic, latest, log);
    },
    async stopApi() {
      const f = follower;
      follower = undefined;
      await f?.stop();
    },
  };
};
