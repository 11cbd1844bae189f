// System 1, players: an HTTP endpoint that generates fake soccer players and
// publishes them to a topic keyed by position. No worker: the API only produces.
import { createApp } from '../../stream/app.js';
import type { Service, ServiceContext } from '../service.js';
import { declarePlayersTopic, playersTopicSettings, type PlayersTopic } from './topics.js';

/** The players service, with what the console's panel reads: the topic the players go to. */
export interface PlayersService extends Service {
  readonly playersTopic: PlayersTopic;
}

export const createPlayersService = (ctx: ServiceContext): PlayersService => {
  const app = createApp({ id: 'tributary-players', kafka: ctx.kafka });
  const topic = declarePlayersTopic(app, playersTopicSettings(ctx.env));
  return {
    name: 'players',
    description: 'Generates fake soccer players and publishes them, keyed by position',
    app,
    hasWorker: false,
    playersTopic: topic,
    routes: async (http) => (await import('./routes.js')).playersRoutes(http, app, topic),
  };
};
