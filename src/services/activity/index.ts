// SCAFFOLD: replaced by the activity service.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';

export const createActivityService: ServiceFactory = (ctx) => ({
  name: 'activity',
  description: 'activity',
  app: createApp({ id: 'tributary-activity', kafka: ctx.kafka }),
  hasWorker: false,
});
