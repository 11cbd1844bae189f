// One error body for every failure the API answers:
//   { statusCode, error, message, field?, issues? }
// A body that fails its schema is 422 naming each failing field (`body.count`),
// an oversized body 413, a body that is not JSON 400, an unknown route 404, a
// taken unique value (ConflictError) 409 with its field, a known path with the
// wrong method 405 with an Allow header. Anything else is a 500
// whose details go to the log, not to the client.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ConflictError } from '../db/errors.js';
import { ValidationError } from '../stream/topic.js';
import { errorBody, HttpError, issuesBody } from './http-error.js';

export { HttpError, errorBody, type ErrorBody, type FieldIssue } from './http-error.js';

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const issues = err.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is invalid',
    }));
    reply.code(422).send(issuesBody(422, issues));
    return;
  }
  if (err instanceof ValidationError) {
    // A value the route built failed its topic's schema: the client sent it.
    reply.code(422).send(issuesBody(422, err.issues.map((i) => ({ field: `body${i.path ? `.${i.path}` : ''}`, message: i.message }))));
    return;
  }
  if (err instanceof ConflictError) {
    reply.code(409).send(errorBody(409, err.message, { field: `body.${err.field}` }));
    return;
  }
  if (err instanceof HttpError) {
    reply.code(err.statusCode).send(errorBody(err.statusCode, err.message, { ...(err.field ? { field: err.field } : {}), ...(err.issues ? { issues: err.issues } : {}) }));
    return;
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      reply.code(413).send(errorBody(413, `request body is larger than the limit of ${request.routeOptions.bodyLimit ?? 'the server'} bytes`));
      return;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      reply.code(415).send(errorBody(415, `content type ${request.headers['content-type'] ?? '(none)'} is not supported; send application/json`));
      return;
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      reply.code(400).send(errorBody(400, `the body is not valid JSON: ${err.message}`, { field: 'body' }));
      return;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      reply.code(400).send(errorBody(400, 'the body is empty; send a JSON document', { field: 'body' }));
      return;
  }
  if (err instanceof SyntaxError && err.statusCode === 400) {
    reply.code(400).send(errorBody(400, `the body is not valid JSON: ${err.message}`, { field: 'body' }));
    return;
  }
  if (isResponseSerializationError(err)) {
    request.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
    reply.code(500).send(errorBody(500, 'the server built a response that does not match its schema'));
    return;
  }
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 500) {
    request.log.error({ err }, 'request failed');
    reply.code(500).send(errorBody(500, 'internal error; see the server log'));
    return;
  }
  reply.code(status).send(errorBody(status, err.message));
}

/** 404 for a path no route has; 405 with Allow when routes have it with other methods. */
export function notFoundHandler(allowed: (path: string) => string[]) {
  return (request: FastifyRequest, reply: FastifyReply): void => {
    const path = request.url.split('?')[0] ?? request.url;
    const methods = allowed(path);
    if (methods.length > 0) {
      const allow = methods.join(', ');
      reply.code(405).header('allow', allow).send(errorBody(405, `${request.method} is not allowed on ${path}; use ${allow}`));
      return;
    }
    reply.code(404).send(errorBody(404, `no route ${request.method} ${path}`));
  };
}

/**
 * Errors Fastify meets before routing (the `frameworkErrors` option), in the
 * same format: a path with a malformed percent-encoding (a lone surrogate
 * encoded as UTF-8 among them) is 400, a path segment longer than the router
 * takes 414, both naming `url`.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      reply.code(400).send(errorBody(400, 'the path is not a valid URL: a percent-encoding is malformed or not UTF-8', { field: 'url' }));
      return;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      reply.code(414).send(errorBody(414, 'a segment of the path is longer than any id the API takes', { field: 'url' }));
      return;
  }
  errorHandler(err, request, reply);
}
