// A state message as the seed's producer.py sends it: {message_id, text, state}.
// message_id is a UUID string there; a number is accepted too, for producers
// that count. The schema types the topic and rejects garbage before it counts.
import { z } from 'zod';
import { storable } from '../../http/storable.js';

export const StateMessage = storable(
  z.object({
    message_id: z.union([z.string().min(1), z.number()]).describe('Id of the message (a UUID in the seed)'),
    text: z.string().describe('Free text'),
    state: z.number().int().describe('The new state'),
  }),
).describe('A state change');

export type StateMessage = z.infer<typeof StateMessage>;
