// The Fastify server that mounts every service: zod-validated routes (the
// schemas also produce the OpenAPI document at /docs), AsyncAPI at
// /asyncapi.json, /healthz (the process is alive), /readyz (broker and database
// answer), Prometheus /metrics, one error format (errors.ts), 405 for a known
// path with the wrong method (methods.ts), storable input only (storable.ts),
// and the optional API keys and rate limit (access.ts).
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Service, ServiceContext } from '../services/service.js';
import { createAdmin } from '../stream/kafka.js';
import { mergeAsyncApi } from './asyncapi.js';
import { errorHandler, frameworkErrorHandler, notFoundHandler } from './errors.js';
import { applyAccess, httpAccessFromEnv, type HttpAccess } from './access.js';
import { RouteTable } from './methods.js';
import { MAX_ID_LENGTH, rejectUnstorable } from './storable.js';

/** The server services mount their routes on: zod schemas type the handlers. */
export type HttpServer = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface HttpServerOptions {
  services: Service[];
  ctx: ServiceContext;
  /** Largest accepted body in bytes; default 1 MiB. */
  bodyLimit?: number;
  /** Checks the database in /readyz (default: when a service uses it). */
  checkDatabase?: boolean;
  version?: string;
  /** API keys and rate limit (default: from API_KEYS and RATE_LIMIT, both off when unset). */
  access?: HttpAccess;
}

export async function buildHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { services, ctx } = options;
  const http = Fastify({
    loggerInstance: ctx.log,
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
  await applyAccess(http, options.access ?? httpAccessFromEnv(ctx.env));

  // Request metrics (by route pattern, so ids do not explode the label space) and one log line each.
  http.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    ctx.metrics.httpRequests.observe({ method: request.method, route, status_code: String(reply.statusCode) }, seconds);
    request.log.debug({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  await http.register(swagger, {
    openapi: {
      info: { title: 'Tributary', description: 'Event-streaming web services on Kafka: the five systems', version: options.version ?? '0.1.0' },
      tags: services.map((s) => ({ name: s.name, description: s.description })),
    },
    transform: jsonSchemaTransform,
  });
  await http.register(swaggerUi, { routePrefix: '/docs' });

  const admin = createAdmin(ctx.kafka);
  http.addHook('onClose', async () => {
    await admin.close().catch(() => {});
  });
  const checkDatabase = options.checkDatabase ?? true;

  const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });
  http.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness: the process answers', response: { 200: Health } } }, async () => ({ status: 'ok' as const }));
  http.get(
    '/readyz',
    { schema: { tags: ['system'], summary: 'Readiness: the broker and the database answer', response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      let ok = true;
      const within = <T>(p: Promise<T>, ms: number) =>
        Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
      try {
        const meta = await within(admin.metadata({ topics: [] }), 3000);
        checks.kafka = `ok (${meta.brokers.size} broker${meta.brokers.size === 1 ? '' : 's'})`;
      } catch (err) {
        ok = false;
        checks.kafka = `unreachable: ${(err as Error).message}`;
      }
      if (checkDatabase) {
        try {
          const db = await within(ctx.database(), 10_000);
          await within(db.ping(), 3000);
          checks.database = `ok (${db.kind})`;
        } catch (err) {
          ok = false;
          checks.database = `unreachable: ${(err as Error).message}`;
        }
      }
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    },
  );
  http.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
    const { contentType, body } = await ctx.metrics.render();
    return reply.type(contentType).send(body);
  });
  http.get('/asyncapi.json', { schema: { tags: ['system'], summary: 'AsyncAPI 3.0 document of every topic and agent', hide: true } }, async () =>
    mergeAsyncApi(services.map((s) => s.app.asyncApi({ title: s.name, description: s.description }))),
  );

  const Index = z.object({ name: z.string(), systems: z.array(z.object({ name: z.string(), description: z.string() })), links: z.record(z.string(), z.string()) });
  http.get('/', { schema: { tags: ['system'], summary: 'What this server offers', response: { 200: Index } } }, async () => ({
    name: 'Tributary',
    systems: services.map((s) => ({ name: s.name, description: s.description })),
    links: { docs: '/docs', openapi: '/docs/json', asyncapi: '/asyncapi.json', metrics: '/metrics', health: '/healthz', ready: '/readyz' },
  }));

  for (const s of services) await s.routes?.(http);
  return http;
}
