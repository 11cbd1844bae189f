// SCAFFOLD: replaced by the sessions service.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';

export const createSessionsService: ServiceFactory = (ctx) => ({
  name: 'sessions',
  description: 'sessions',
  app: createApp({ id: 'tributary-sessions', kafka: ctx.kafka }),
  hasWorker: false,
});
