// GET /state: the state of the latest message on the topic, 0 before any.
import { z } from 'zod';
import type { HttpServer } from '../../http/server.js';
import type { LatestState } from './latest.js';

export const StateResponse = z
  .object({ state: z.number().int().describe('The `state` of the latest message on the topic; 0 before any') })
  .describe('The current state');

export function stateRoutes(http: HttpServer, latest: LatestState): void {
  http.get(
    '/state',
    { schema: { tags: ['state'], summary: 'The current state', response: { 200: StateResponse } } },
    async () => ({ state: latest.state }),
  );
}
