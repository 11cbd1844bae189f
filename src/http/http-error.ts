// The error an API route throws on purpose, and the body every failure answers
// with. Apart from errors.ts (the Fastify error handlers) so that what a worker
// loads (topic schemas, storable checks) does not pull in Fastify's type provider.
import { STATUS_CODES } from 'node:http';

export interface FieldIssue {
  /** Where the problem is: `body.products.0.price`, `params.id`, `querystring.state`. */
  field: string;
  message: string;
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  field?: string;
  issues?: FieldIssue[];
}

/** An error a route throws on purpose: its status and message reach the client as they are. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** An error about these fields: the message lists them all, `field` is the first. */
  static fields(statusCode: number, issues: FieldIssue[]): HttpError {
    const body = issuesBody(statusCode, issues);
    return new HttpError(statusCode, body.message, body.field, issues);
  }
}

export function errorBody(statusCode: number, message: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...extra };
}

export function issuesBody(statusCode: number, issues: FieldIssue[]): ErrorBody {
  const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return errorBody(statusCode, message, { field: issues[0]?.field, issues });
}
