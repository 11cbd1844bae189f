// Zod schemas of the activity system's users API: the body POST /users accepts
// and the user every route answers (also what /docs shows). The activity events
// themselves are protobuf (topics.ts).
import { z } from 'zod';
import { requiredOr as required } from '../../http/schemas.js';

export const NewUser = z
  .object(
    {
      name: z
        .string({ error: required('a string') })
        .trim()
        .min(1, { error: 'must not be empty' })
        .max(200, { error: 'must be at most 200 characters' })
        .describe('Display name, 1 to 200 characters (trimmed)'),
      email: z.email({ error: required('a valid email address') }).max(320, { error: 'must be at most 320 characters' }).describe('Unique email address'),
    },
    { error: 'must be a JSON object like {"name": "Ada", "email": "ada@example.com"}' },
  )
  .describe('A user to create');

export const User = z
  .object({
    id: z.uuid().describe('Assigned by the database'),
    name: z.string(),
    email: z.string(),
    createdAt: z.iso.datetime().describe('When the user was created (ISO 8601)'),
  })
  .describe('A user');
