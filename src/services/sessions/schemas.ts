// The sessions system's messages. Input: a user event as clients (and
// `tributary events generate`) send it. Times (metadata.sentAt, timestamp,
// receivedAt) are epoch milliseconds as JSON numbers, so min/max are plain
// number comparisons and the output needs no parsing. Only userId and
// metadata.timestamp are needed to summarize; the other fields are optional
// but checked when present. Output: a user's first and last event time.
import { z } from 'zod';
import { requiredOr as required } from '../../http/schemas.js';
import { MAX_ID_LENGTH, storable } from '../../http/storable.js';

const EpochMs = z.number().int().nonnegative().describe('Epoch milliseconds');

/** A userId: the record key of both topics, and the path of GET /api/summaries/:userId. */
export const UserId = z
  .string({ error: required('a string') })
  .min(1, { error: 'must not be empty' })
  .max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` });

// Storable, so that a summary keyed by its userId comes back as it was sent.
export const UserEvent = storable(
  z
    .object({
      userId: UserId.describe('Who did it; the input is keyed by it'),
      visitorId: z.string().optional(),
      type: z.string().optional().describe('e.g. track, page, identify'),
      metadata: z
        .object({
          messageId: z.string().optional(),
          sentAt: EpochMs.optional(),
          timestamp: EpochMs.describe('When the event happened: what firstSeen and lastSeen are made of'),
          receivedAt: EpochMs.optional(),
          apiKey: z.string().optional(),
          spaceId: z.string().optional(),
          version: z.string().optional(),
        })
        .loose(),
      event: z.string().optional().describe('e.g. Product Viewed'),
      eventData: z.record(z.string(), z.unknown()).optional(),
    })
    .loose(),
).describe('A user event');
export type UserEvent = z.infer<typeof UserEvent>;

export const UserSummary = storable(
  z.object({
    userId: z.string(),
    firstSeen: EpochMs.describe('Smallest metadata.timestamp seen for the user'),
    lastSeen: EpochMs.describe('Largest metadata.timestamp seen for the user'),
  }),
).describe("A user's first and last event time");
export type UserSummary = z.infer<typeof UserSummary>;

/** The summary after one more event, or undefined when the event changes neither end. */
export function widen(summary: UserSummary | undefined, userId: string, timestamp: number): UserSummary | undefined {
  if (!summary) return { userId, firstSeen: timestamp, lastSeen: timestamp };
  if (timestamp >= summary.firstSeen && timestamp <= summary.lastSeen) return undefined;
  return { userId, firstSeen: Math.min(summary.firstSeen, timestamp), lastSeen: Math.max(summary.lastSeen, timestamp) };
}
