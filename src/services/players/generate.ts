// Makes fake soccer players: a fresh UUID, a faker name, a random position and
// four ratings 0–10. No I/O, so it is trivially testable and reusable by a CLI.
import { randomUUID } from 'node:crypto';
import { faker } from '@faker-js/faker';
import { POSITIONS, type Player } from './schemas.js';

const rating = () => faker.number.int({ min: 0, max: 10 });

export function generatePlayer(): Player {
  return {
    // node:crypto rather than faker's PRNG: ids must be unique across processes.
    id: randomUUID(),
    name: faker.person.fullName(),
    position: faker.helpers.arrayElement(POSITIONS),
    speed: rating(),
    stamina: rating(),
    strength: rating(),
    technique: rating(),
  };
}

export function generatePlayers(count: number): Player[] {
  return Array.from({ length: count }, generatePlayer);
}
