// POST /api/soccer_players: generates N players, sends them to the topic in one
// acks=all batch, and answers 201 with them only once the broker has them all.
import { z } from 'zod';
import type { App } from '../../stream/app.js';
import type { HttpServer } from '../../http/server.js';
import { bodyErrors } from '../../http/schemas.js';
import { Player } from './schemas.js';
import type { PlayersTopic } from './topics.js';

export const MAX_PLAYERS = 10_000;

export const GenerateRequest = z
  .object(
    {
      count: z
        .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
        .int({ error: 'must be an integer' })
        .min(1, { error: 'must be at least 1' })
        .max(MAX_PLAYERS, { error: `must be at most ${MAX_PLAYERS}` })
        .describe(`How many players to generate, 1 to ${MAX_PLAYERS}`),
    },
    // The whole body is wrong: say what it should look like, naming the field.
    { error: 'must be a JSON object like {"count": 5}' },
  )
  .describe('How many players to generate');

export function playersRoutes(http: HttpServer, app: App, topic: PlayersTopic): void {
  http.post(
    '/api/soccer_players',
    {
      schema: {
        tags: ['players'],
        summary: 'Generate fake soccer players and publish them',
        description: `Generates \`count\` players and sends each to the \`${topic.name}\` topic keyed by position (acks=all). Answers once every one is acknowledged.`,
        body: GenerateRequest,
        response: {
          201: z.array(Player).describe('The generated players, as sent to the topic'),
          ...bodyErrors,
        },
      },
    },
    async (request, reply) => {
      // faker is loaded on the first request, not at start: a quarter of a second of CPU the API's start does without.
      const { generatePlayers } = await import('./generate.js');
      const players = generatePlayers(request.body.count);
      await app.send(topic, players.map((p) => ({ key: p.position, value: p })));
      return reply.code(201).send(players);
    },
  );
}
