// Confluent Schema Registry's REST API over SchemaRegistry (registry.ts):
// the paths, parameters, bodies and answers existing clients use, the
// `application/vnd.schemaregistry.v1+json` content types, and errors as
// `{"error_code", "message"}`. Mounted in a scope of its own, so its error
// format does not change the project's other servers.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import type { HttpServer } from '../http/server.js';
import { ErrorCode, RegistryError, schemaNotFound } from './errors.js';
import { Reference, SCHEMA_TYPES } from './records.js';
import type { SchemaRegistry } from './registry.js';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPTED_TYPES = [CONTENT_TYPE, 'application/vnd.schemaregistry+json', 'application/octet-stream'];

const flag = z.enum(['true', 'false']).optional().transform((v) => v === 'true');
const SchemaBody = z.object({
  schema: z.string(),
  schemaType: z.enum(SCHEMA_TYPES).nullish().transform((t) => t ?? undefined),
  references: z.array(Reference).nullish().transform((r) => r ?? undefined),
});
const ConfigBody = z.object({ compatibility: z.string() });
const Subject = z.object({ subject: z.string() });
const SubjectVersion = z.object({ subject: z.string(), version: z.string() });
const Id = z.object({ id: z.string() });
const Deleted = z.object({ deleted: flag });
const tags = ['schema registry'];

function parseId(raw: string): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id)) throw schemaNotFound(`Schema ${raw} not found`);
  return id;
}

/** Every failure of the registry's routes in Confluent's format. */
function registryErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const send = (status: number, code: number, message: string) => void reply.code(status).type(CONTENT_TYPE).send({ error_code: code, message });
  if (err instanceof RegistryError) return send(err.statusCode, err.errorCode, err.message);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    return send(422, ErrorCode.UNPROCESSABLE, err.validation.map((v) => `${[where, ...v.instancePath.split('/').filter(Boolean)].join('.')}: ${v.message ?? 'is invalid'}`).join('; '));
  }
  if (err instanceof HttpError) return send(err.statusCode, err.statusCode, err.field ? `${err.field}: ${err.message}` : err.message);
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 500) request.log.error({ err }, 'schema registry request failed');
  send(status, status === 500 ? ErrorCode.STORE_ERROR : status, status === 500 ? 'Error in the backend data store; see the server log' : err.message);
}

export async function registryRoutes(http: HttpServer, registry: SchemaRegistry): Promise<void> {
  await http.register(async (scope: HttpServer) => {
    scope.setErrorHandler(registryErrorHandler);
    scope.addContentTypeParser(ACCEPTED_TYPES, { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    scope.addHook('onSend', async (_request, reply, payload) => {
      if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.type(CONTENT_TYPE);
      return payload;
    });
    routes(scope, registry);
  });
}

function routes(http: HttpServer, registry: SchemaRegistry): void {
  http.get('/', { schema: { tags, summary: 'The registry answers' } }, async () => ({}));
  http.get('/schemas/types', { schema: { tags, summary: 'The schema types this registry takes' } }, async () => [...SCHEMA_TYPES]);
  http.get('/schemas/ids/:id', { schema: { tags, summary: 'A schema by its id', params: Id } }, async (req) => registry.schemaById(parseId(req.params.id)));
  http.get('/schemas/ids/:id/schema', { schema: { tags, summary: 'A schema by its id, the schema text only', params: Id } }, async (req) =>
    (await registry.schemaById(parseId(req.params.id))).schema,
  );
  http.get('/schemas/ids/:id/versions', { schema: { tags, summary: 'The subject versions using a schema id', params: Id } }, async (req) => registry.idVersions(parseId(req.params.id)));
  http.get('/schemas/ids/:id/subjects', { schema: { tags, summary: 'The subjects using a schema id', params: Id } }, async (req) => [
    ...new Set((await registry.idVersions(parseId(req.params.id))).map((v) => v.subject)),
  ]);

  http.get('/subjects', { schema: { tags, summary: 'Every subject', querystring: z.object({ deleted: flag, subjectPrefix: z.string().optional() }) } }, async (req) =>
    registry.subjects(req.query.deleted, req.query.subjectPrefix),
  );
  http.get('/subjects/:subject/versions', { schema: { tags, summary: 'The versions of a subject', params: Subject, querystring: Deleted } }, async (req) =>
    registry.versions(req.params.subject, req.query.deleted),
  );
  http.get('/subjects/:subject/versions/:version', { schema: { tags, summary: 'One version of a subject (or latest)', params: SubjectVersion, querystring: Deleted } }, async (req) =>
    registry.version(req.params.subject, req.params.version, req.query.deleted),
  );
  http.get('/subjects/:subject/versions/:version/schema', { schema: { tags, summary: 'One version, the schema text only', params: SubjectVersion } }, async (req) =>
    (await registry.version(req.params.subject, req.params.version, false)).schema,
  );
  http.get('/subjects/:subject/versions/:version/referencedby', { schema: { tags, summary: 'Ids of the schemas referencing this version', params: SubjectVersion } }, async (req) =>
    registry.referencedBy(req.params.subject, req.params.version),
  );
  http.post('/subjects/:subject', { schema: { tags, summary: 'Whether a schema is registered under the subject, and as which version', params: Subject, querystring: Deleted, body: SchemaBody }, config: { readOnly: true } }, async (req) =>
    registry.lookup(req.params.subject, req.body, req.query.deleted),
  );
  http.post('/subjects/:subject/versions', { schema: { tags, summary: 'Register a schema under a subject (its id when already there)', params: Subject, body: SchemaBody } }, async (req) => ({
    id: (await registry.register(req.params.subject, req.body)).id,
  }));
  const Permanent = z.object({ permanent: flag });
  http.delete('/subjects/:subject', { schema: { tags, summary: 'Delete a subject (soft, or permanent=true after a soft delete)', params: Subject, querystring: Permanent } }, async (req) =>
    registry.deleteSubject(req.params.subject, req.query.permanent),
  );
  http.delete('/subjects/:subject/versions/:version', { schema: { tags, summary: 'Delete a version (soft, or permanent=true after a soft delete)', params: SubjectVersion, querystring: Permanent } }, async (req) =>
    registry.deleteVersion(req.params.subject, req.params.version, req.query.permanent),
  );

  http.get('/config', { schema: { tags, summary: 'The global compatibility level' } }, async () => ({ compatibilityLevel: await registry.globalConfig() }));
  http.put('/config', { schema: { tags, summary: 'Set the global compatibility level', body: ConfigBody } }, async (req) => ({ compatibility: await registry.setConfig(null, req.body.compatibility) }));
  http.get('/config/:subject', { schema: { tags, summary: 'A subject\'s compatibility level', params: Subject, querystring: z.object({ defaultToGlobal: flag }) } }, async (req) => ({
    compatibilityLevel: await registry.subjectConfig(req.params.subject, req.query.defaultToGlobal),
  }));
  http.put('/config/:subject', { schema: { tags, summary: 'Set a subject\'s compatibility level', params: Subject, body: ConfigBody } }, async (req) => ({
    compatibility: await registry.setConfig(req.params.subject, req.body.compatibility),
  }));
  http.delete('/config/:subject', { schema: { tags, summary: 'Remove a subject\'s level: it follows the global one', params: Subject } }, async (req) => ({
    compatibilityLevel: await registry.deleteConfig(req.params.subject),
  }));

  const Verbose = z.object({ verbose: flag });
  const compatibility = (problems: string[], verbose: boolean) => ({ is_compatible: problems.length === 0, ...(verbose ? { messages: problems } : {}) });
  http.post('/compatibility/subjects/:subject/versions/:version', { schema: { tags, summary: 'Whether a schema may follow a version', params: SubjectVersion, querystring: Verbose, body: SchemaBody }, config: { readOnly: true } }, async (req) =>
    compatibility(await registry.check(req.params.subject, req.params.version, req.body), req.query.verbose),
  );
  http.post('/compatibility/subjects/:subject/versions', { schema: { tags, summary: 'Whether a schema may follow the versions its level names', params: Subject, querystring: Verbose, body: SchemaBody }, config: { readOnly: true } }, async (req) =>
    compatibility(await registry.check(req.params.subject, undefined, req.body), req.query.verbose),
  );
  http.get('/mode', { schema: { tags, summary: 'The registry takes reads and writes' } }, async () => ({ mode: 'READWRITE' }));
}
