// SCAFFOLD: replaced by the players service.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';

export const createPlayersService: ServiceFactory = (ctx) => ({
  name: 'players',
  description: 'players',
  app: createApp({ id: 'tributary-players', kafka: ctx.kafka }),
  hasWorker: false,
});
