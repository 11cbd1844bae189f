// System 1, players: an HTTP endpoint that generates fake soccer players and
// publishes them to a topic keyed by position. No worker: the API only produces.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';
import { declarePlayersTopic, playersTopicSettings } from './topics.js';

export const createPlayersService: ServiceFactory = (ctx) => {
  const app = createApp({ id: 'tributary-players', kafka: ctx.kafka });
  const topic = declarePlayersTopic(app, playersTopicSettings(ctx.env));
  return {
    name: 'players',
    description: 'Generates fake soccer players and publishes them, keyed by position',
    app,
    hasWorker: false,
    routes: async (http) => (await import('./routes.js')).playersRoutes(http, app, topic),
  };
};
