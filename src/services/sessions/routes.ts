// GET /api/summaries and /api/summaries/:userId: each user's first and last
// event time, from the API's view of output_topic (view.ts). `/api/summaries/`
// is the list too: a trailing slash, not a user with an empty id.
import { z } from 'zod';
import { HttpError } from '../../http/errors.js';
import { ErrorResponse } from '../../http/schemas.js';
import type { HttpServer } from '../../http/server.js';
import { UserId, UserSummary } from './schemas.js';
import type { SummariesView } from './view.js';

export function summariesRoutes(http: HttpServer, view: SummariesView): void {
  const list = {
    tags: ['sessions'],
    summary: "Every user's first and last event time",
    description: 'min and max of metadata.timestamp per userId over input_topic, as the worker publishes them on output_topic; sorted by userId.',
    response: { 200: z.array(UserSummary) },
  };
  http.get('/api/summaries', { schema: list }, async () => view.all());
  http.get('/api/summaries/', { schema: { ...list, hide: true } }, async () => view.all());

  http.get(
    '/api/summaries/:userId',
    {
      schema: {
        tags: ['sessions'],
        summary: "One user's first and last event time",
        params: z.object({ userId: UserId.describe('The userId of the events') }),
        response: { 200: UserSummary, 404: ErrorResponse.describe('No event of this user has been summarized') },
      },
    },
    async (request) => {
      const summary = view.get(request.params.userId);
      if (!summary) throw new HttpError(404, `no summary for user ${request.params.userId}`, 'params.userId');
      return summary;
    },
  );
}
