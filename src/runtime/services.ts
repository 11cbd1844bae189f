// The five systems the product runs, by the name the CLI and workers use.
import type { ServiceFactory } from '../services/service.js';
import { createPlayersService } from '../services/players/index.js';
import { createStateService } from '../services/state/index.js';
import { createActivityService } from '../services/activity/index.js';
import { createSessionsService } from '../services/sessions/index.js';
import { createBasketsService } from '../services/baskets/index.js';

export const SERVICES: Record<string, ServiceFactory> = {
  players: createPlayersService,
  state: createStateService,
  activity: createActivityService,
  sessions: createSessionsService,
  baskets: createBasketsService,
};

export const SERVICE_NAMES = Object.keys(SERVICES);
