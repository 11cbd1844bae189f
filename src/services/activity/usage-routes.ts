// GET /api/activity: what the worker counted, as the API's view of the usage
// tables holds it (view.ts): totals per endpoint and method, per client host,
// and per minute (the last hour, the open minute included with its running count).
import { z } from 'zod';
import type { HttpServer } from '../../http/server.js';
import { GRACE_MS, HISTORY_MS, WINDOW_MS } from './topics.js';
import type { ActivityView } from './view.js';

const Count = z.number().int().nonnegative().describe('Requests');

export const ActivityReport = z
  .object({
    totals: z
      .array(z.object({ endpoint: z.string().describe('Route pattern, e.g. /users/:id, or the path when no route matched'), method: z.string(), count: Count }))
      .describe('All-time requests per endpoint and method, most requested first'),
    byClient: z.array(z.object({ client: z.string().describe('Client host (IP address)'), count: Count })).describe('All-time requests per client host'),
    perMinute: z
      .array(
        z.object({
          windowStart: z.iso.datetime().describe('Start of the minute (inclusive), ISO 8601'),
          windowEnd: z.iso.datetime().describe('End of the minute (exclusive), ISO 8601'),
          endpoint: z.string(),
          method: z.string(),
          client: z.string(),
          count: Count,
          final: z.boolean().describe(`false while the minute still accepts requests (until ${GRACE_MS / 1000} s after its end): a running count`),
        }),
      )
      .describe(`Requests per ${WINDOW_MS / 1000} s tumbling window (on the record time), endpoint, method and client; the last ${HISTORY_MS / WINDOW_MS} minutes, oldest first`),
  })
  .describe('API usage, as counted by the activity worker from the Users topic');

export function usageRoutes(http: HttpServer, view: ActivityView): void {
  http.get(
    '/api/activity',
    {
      schema: {
        tags: ['activity'],
        summary: 'API usage per endpoint, method and client, per minute',
        description: 'Every request to the API is recorded on the `Users` topic; the activity worker counts them. Counts appear shortly after the requests.',
        response: { 200: ActivityReport },
      },
    },
    async () => view.snapshot(),
  );
}
