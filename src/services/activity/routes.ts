// The users API of the activity system: list, get and create users in the
// database (src/db/queries/users.ts). A taken email is a ConflictError, which
// the error handler answers 409 naming body.email. `/users/` is the list too: a
// trailing slash, not a user with an empty id.
import { z } from 'zod';
import type { Database } from '../../db/index.js';
import { createUser, getUser, listUsers, type User as StoredUser } from '../../db/queries/users.js';
import { HttpError } from '../../http/errors.js';
import { ErrorResponse, bodyErrors } from '../../http/schemas.js';
import { MAX_ID_LENGTH } from '../../http/storable.js';
import type { HttpServer } from '../../http/server.js';
import { NewUser, User } from './schemas.js';

const UserParams = z.object({ id: z.string().max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` }).describe('The user id (a uuid)') });

const present = (u: StoredUser): z.infer<typeof User> => ({ id: u.id, name: u.name, email: u.email, createdAt: u.createdAt.toISOString() });

export function usersRoutes(http: HttpServer, database: () => Promise<Database>): void {
  const list = { tags: ['activity'], summary: 'List users', description: 'Every user, oldest first.', response: { 200: z.array(User) } };
  const listAll = async () => (await listUsers((await database()).db)).map(present);
  http.get('/users', { schema: list }, listAll);
  http.get('/users/', { schema: { ...list, hide: true } }, listAll);

  http.get(
    '/users/:id',
    {
      schema: {
        tags: ['activity'],
        summary: 'Get a user',
        params: UserParams,
        response: { 200: User, 404: ErrorResponse.describe('No user has this id') },
      },
    },
    async (request) => {
      const user = await getUser((await database()).db, request.params.id);
      if (!user) throw new HttpError(404, `no user with id ${request.params.id}`, 'params.id');
      return present(user);
    },
  );

  http.post(
    '/users',
    {
      schema: {
        tags: ['activity'],
        summary: 'Create a user',
        body: NewUser,
        response: { 201: User, 409: ErrorResponse.describe('A user with this email exists; `field` is body.email'), ...bodyErrors },
      },
    },
    async (request, reply) => {
      const user = await createUser((await database()).db, request.body);
      return reply.code(201).send(present(user));
    },
  );
}
