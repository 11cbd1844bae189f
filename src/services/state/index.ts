// SCAFFOLD: replaced by the state service.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';

export const createStateService: ServiceFactory = (ctx) => ({
  name: 'state',
  description: 'state',
  app: createApp({ id: 'tributary-state', kafka: ctx.kafka }),
  hasWorker: false,
});
