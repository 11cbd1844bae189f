// The five systems (players, state, activity, sessions, baskets), by the name
// the CLI and workers use.
import type { ServiceFactory } from './service.js';
import { createPlayersService } from './players/index.js';
import { createStateService } from './state/index.js';
import { createActivityService } from './activity/index.js';
import { createSessionsService } from './sessions/index.js';
import { createBasketsService } from './baskets/index.js';

export const SERVICES: Record<string, ServiceFactory> = {
  players: createPlayersService,
  state: createStateService,
  activity: createActivityService,
  sessions: createSessionsService,
  baskets: createBasketsService,
};

export const SERVICE_NAMES = Object.keys(SERVICES);

export type { Service, ServiceContext, ServiceFactory } from './service.js';
