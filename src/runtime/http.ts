// The product's HTTP API: the generic server (http/server.ts) with the chosen
// services' routes, their merged AsyncAPI document at /asyncapi.json, the
// console (its page at / for a browser and /console, its API under
// /api/console/), an index at / for other clients, and /readyz checking the
// Kafka cluster and the database.
import { mergeAsyncApi } from '../http/asyncapi.js';
import { buildHttpServer, within, type HttpServer } from '../http/server.js';
import type { HttpAccess } from '../http/access.js';
import type { Service, ServiceContext } from '../services/service.js';
import { createConsoleAdmin } from '../web/api/console.js';
import { consoleRoutes } from '../web/api/routes.js';
import { rootRoute } from '../web/api/static.js';

export interface ApiServerOptions {
  services: Service[];
  ctx: ServiceContext;
  /** Largest accepted body in bytes; default 1 MiB. */
  bodyLimit?: number;
  /** API keys and rate limit; default none. */
  access?: HttpAccess;
  version?: string;
}

export async function buildApiServer(options: ApiServerOptions): Promise<HttpServer> {
  const { services, ctx } = options;
  // One admin client for /readyz and the console's views.
  const admin = createConsoleAdmin(ctx.kafka);
  const database = async () => {
    const db = await within(ctx.database(), 10_000);
    await within(db.ping(), 3000);
    return `ok (${db.kind})`;
  };
  const http = await buildHttpServer({
    log: ctx.log,
    metrics: ctx.metrics,
    bodyLimit: options.bodyLimit,
    access: options.access,
    docs: {
      title: 'Tributary',
      description: 'Event-streaming web services on Kafka: the five systems',
      version: options.version ?? '0.1.0',
      tags: [...services.map((s) => ({ name: s.name, description: s.description })), { name: 'console', description: 'The web console: cluster, topics, messages, groups, graph, dead letters and a panel per system; each GET has a live twin under /api/console/live/' }],
    },
    readiness: {
      async kafka() {
        const meta = await within(admin.metadata({ topics: [] }), 3000);
        return `ok (${meta.brokers.size} broker${meta.brokers.size === 1 ? '' : 's'})`;
      },
      database,
    },
  });

  http.get('/asyncapi.json', { schema: { tags: ['system'], summary: 'AsyncAPI 3.0 document of every topic and agent', hide: true } }, async () =>
    mergeAsyncApi(services.map((s) => s.app.asyncApi({ title: s.name, description: s.description }))),
  );
  const { page } = await consoleRoutes(http, { kafka: ctx.kafka, admin, services, database, metrics: ctx.metrics, authRequired: (options.access?.apiKeys.length ?? 0) > 0 });
  // Registered after the console's, which uses the client until it closes.
  http.addHook('onClose', async () => {
    await admin.close().catch(() => {});
  });
  rootRoute(http, page, () => ({
    name: 'Tributary',
    systems: services.map((s) => ({ name: s.name, description: s.description })),
    links: { console: '/console', docs: '/docs', openapi: '/docs/json', asyncapi: '/asyncapi.json', metrics: '/metrics', health: '/healthz', ready: '/readyz' },
  }));

  for (const s of services) await s.routes?.(http);
  return http;
}
