// Makes fake user events in the shape of input_topic's schema (schemas.ts): users
// `<prefix>1` ... `<prefix>N`, each with a few events at random times within the last
// hour (not in order, as real clients deliver them). No I/O, so the CLI and
// tests can reuse it.
import { randomUUID } from 'node:crypto';
import { faker } from '@faker-js/faker';
import type { UserEvent } from './schemas.js';

const EVENTS = [
  ['track', 'Product Viewed'],
  ['track', 'Product Added'],
  ['track', 'Checkout Started'],
  ['track', 'Order Completed'],
  ['page', 'Page Viewed'],
  ['identify', 'Signed In'],
] as const;

export interface GenerateOptions {
  users: number;
  perUser: number;
  /** The userIds are `<prefix>1` ... `<prefix>N`; default `user-`. */
  prefix?: string;
  /** "Now" in epoch ms; default Date.now(). */
  now?: number;
}

export function generateEvent(userId: string, visitorId: string, now = Date.now()): UserEvent {
  const [type, event] = faker.helpers.arrayElement(EVENTS);
  const timestamp = now - faker.number.int({ min: 0, max: 3_600_000 });
  const sentAt = timestamp + faker.number.int({ min: 0, max: 2_000 });
  return {
    userId,
    visitorId,
    type,
    metadata: {
      messageId: randomUUID(),
      sentAt,
      timestamp,
      receivedAt: sentAt + faker.number.int({ min: 1, max: 500 }),
      apiKey: faker.string.alphanumeric(32),
      spaceId: 'space-1',
      version: '1',
    },
    event,
    eventData: {
      productId: faker.string.uuid(),
      productName: faker.commerce.productName(),
      price: Number(faker.commerce.price()),
      page: faker.internet.url(),
    },
  };
}

export function generateEvents(options: GenerateOptions): UserEvent[] {
  const out: UserEvent[] = [];
  for (let u = 1; u <= options.users; u++) {
    const visitorId = randomUUID();
    for (let i = 0; i < options.perUser; i++) out.push(generateEvent(`${options.prefix ?? 'user-'}${u}`, visitorId, options.now));
  }
  return out;
}
