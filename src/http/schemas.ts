// Zod schemas shared by every route's OpenAPI description: the error body
// (see errors.ts) and its usual status codes.
import { z } from 'zod';

export const ErrorResponse = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string(),
    field: z.string().optional().describe('The first failing field, e.g. body.count'),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .describe('An error: what is wrong, and where');

/**
 * A zod error message for a value of the wrong type: "is required" when it is
 * missing, else "must be <what>" (zod's own wording names types, not fields).
 */
export const requiredOr = (what: string) => (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`);

/** Responses every route that takes a JSON body can give besides its own. */
export const bodyErrors = {
  400: ErrorResponse.describe('The body is not JSON'),
  413: ErrorResponse.describe('The body is larger than the limit'),
  422: ErrorResponse.describe('A field is missing or invalid; `field` names it'),
} as const;
