// SCAFFOLD: replaced by the baskets service.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';

export const createBasketsService: ServiceFactory = (ctx) => ({
  name: 'baskets',
  description: 'baskets',
  app: createApp({ id: 'tributary-baskets', kafka: ctx.kafka }),
  hasWorker: false,
});
