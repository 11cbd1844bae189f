// What a soccer player is, once: the zod schema types the generator, validates
// what goes to the topic, and describes the HTTP answer in /docs.
import { z } from 'zod';

export const POSITIONS = ['Goalkeeper', 'Defender', 'Midfielder', 'Forward'] as const;

export const Position = z.enum(POSITIONS).describe('Where the player plays; also the record key on the topic');
export type Position = z.infer<typeof Position>;

const rating = (what: string) => z.number().int().min(0).max(10).describe(`${what}, 0 to 10`);

export const Player = z
  .object({
    id: z.uuid().describe('Random UUID of the player'),
    name: z.string().min(1).describe('Full name'),
    position: Position,
    speed: rating('Speed'),
    stamina: rating('Stamina'),
    strength: rating('Strength'),
    technique: rating('Technique'),
  })
  .describe('A generated soccer player');

export type Player = z.infer<typeof Player>;
