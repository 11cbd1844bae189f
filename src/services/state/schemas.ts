// A state message: {message_id, text, state}. Only `state` is required: a
// consumer of the topic reads nothing else, so a producer that sends
// {"state": 42} alone is heard. message_id is usually a UUID string; a number is
// accepted too, for producers that count. The schema types the topic and
// rejects garbage before it counts.
import { z } from 'zod';
import { storable } from '../../http/storable.js';

export const StateMessage = storable(
  z.object({
    message_id: z.union([z.string().min(1), z.number()]).optional().describe('Id of the message, e.g. a UUID (optional)'),
    text: z.string().optional().describe('Free text (optional)'),
    state: z.number().int().describe('The new state'),
  }),
).describe('A state change');

export type StateMessage = z.infer<typeof StateMessage>;
