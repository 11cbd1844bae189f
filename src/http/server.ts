// A Fastify server for any of Tributary's APIs: zod-validated routes (the
// schemas also produce the OpenAPI document at /docs), /healthz (the process is
// alive), /readyz (the readiness checks it is given), Prometheus /metrics, one
// log line and one latency observation per request, and one error format
// (errors.ts), 405 for a known path with the wrong method (methods.ts), storable
// input only (storable.ts), and the optional API keys and rate limit
// (access.ts). It knows no service: whoever builds it adds the routes.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { applyAccess, type HttpAccess } from './access.js';
import { renderDocsPage, type OpenApiLike } from './docs-page.js';
import { errorHandler, frameworkErrorHandler, notFoundHandler } from './errors.js';
import { RouteTable } from './methods.js';
import type { Metrics } from './metrics.js';
import { MAX_ID_LENGTH, rejectUnstorable } from './storable.js';

/** The server services mount their routes on: zod schemas type the handlers. */
export type HttpServer = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** A readiness check: resolves with a short status ("ok (1 broker)"), rejects when not ready. */
export type ReadinessCheck = () => Promise<string>;

export interface HttpServerOptions {
  log: Logger;
  metrics: Metrics;
  /** Title, description and tags of the OpenAPI document. */
  docs: { title: string; description: string; version: string; tags?: { name: string; description: string }[] };
  /** Checks /readyz runs, by name; all must pass for 200. */
  readiness?: Record<string, ReadinessCheck>;
  /** Largest accepted body in bytes; default 1 MiB. */
  bodyLimit?: number;
  /** API keys and rate limit (access.ts); default none of either. */
  access?: HttpAccess;
}

export async function buildHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { log, metrics } = options;
  const http = Fastify({
    loggerInstance: log,
    bodyLimit: options.bodyLimit ?? 1 << 20,
    // One line per request comes from the onResponse hook below, at debug level.
    logController: new LogController({ disableRequestLogging: true }),
    // Behind a proxy or not, the client's own address is what activity records.
    trustProxy: false,
    // A path parameter may be an id of MAX_ID_LENGTH characters, each up to 9 when percent-encoded.
    routerOptions: { maxParamLength: MAX_ID_LENGTH * 9 },
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<ZodTypeProvider>() as unknown as HttpServer;
  http.setValidatorCompiler(validatorCompiler);
  http.setSerializerCompiler(serializerCompiler);
  http.setErrorHandler(errorHandler);
  const routes = new RouteTable();
  routes.watch(http);
  http.setNotFoundHandler(notFoundHandler((path) => routes.allowed(path)));
  // Before any route's schema: nothing unstorable in a body, path parameter or query string (storable.ts).
  http.addHook('preValidation', rejectUnstorable);
  // Before any route is added: the rate limit attaches to each write route as it is registered.
  await applyAccess(http, options.access ?? { apiKeys: [] });

  // Request metrics (by route pattern, so ids do not explode the label space) and one log line each.
  http.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.observe({ method: request.method, route, status_code: String(reply.statusCode) }, seconds);
    request.log.debug({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  const { title, description, version, tags } = options.docs;
  await http.register(swagger, { openapi: { info: { title, description, version }, tags }, transform: jsonSchemaTransform });
  // /docs is our own page (docs-page.ts): the routes in plain HTML, Swagger UI below; Swagger UI alone at /docs/ui/.
  await http.register(swaggerUi, { routePrefix: '/docs/ui' });
  let page: { slash: string; bare: string } | undefined;
  const docsPage = async (request: FastifyRequest, reply: FastifyReply) => {
    page ??= { slash: renderDocsPage(http.swagger() as OpenApiLike, '.'), bare: renderDocsPage(http.swagger() as OpenApiLike, './docs') };
    return reply.type('text/html; charset=utf-8').send(request.url.split('?')[0]!.endsWith('/') ? page.slash : page.bare);
  };
  http.get('/docs', { schema: { hide: true } }, docsPage);
  http.get('/docs/', { schema: { hide: true } }, docsPage);
  http.get('/docs/json', { schema: { hide: true } }, async () => http.swagger());

  const readiness = Object.entries(options.readiness ?? {});
  const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });
  http.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness: the process answers', response: { 200: Health } } }, async () => ({ status: 'ok' as const }));
  http.get(
    '/readyz',
    { schema: { tags: ['system'], summary: `Readiness: ${readiness.map(([name]) => name).join(' and ') || 'the process'} answer`, response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      let ok = true;
      for (const [name, check] of readiness) {
        try {
          checks[name] = await check();
        } catch (err) {
          ok = false;
          checks[name] = `unreachable: ${(err as Error).message}`;
        }
      }
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
  http.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
  return http;
}

/** `p`, or a rejection naming the bound when it takes longer than `ms`. */
export function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
