// A running schema registry: the store on the topic, the Confluent REST API
// on the project's HTTP server (docs, health, readiness, metrics, API keys),
// listening on one port; `close` stops both.
import type { Logger } from 'pino';
import type { HttpAccess } from '../http/access.js';
import { Metrics } from '../http/metrics.js';
import { buildHttpServer, within, type HttpServer } from '../http/server.js';
import type { KafkaConfig } from '../stream/kafka-config.js';
import { SchemaRegistry } from './registry.js';
import { registryRoutes } from './routes.js';
import { SchemaStore, type StoreOptions } from './store.js';

export const DEFAULT_REGISTRY_PORT = 8081;

export interface RegistryServerOptions extends StoreOptions {
  kafka: KafkaConfig;
  log: Logger;
  port?: number;
  host?: string;
  access?: HttpAccess;
  metrics?: Metrics;
}

export interface RunningRegistry {
  readonly url: string;
  readonly registry: SchemaRegistry;
  readonly http: HttpServer;
  close(): Promise<void>;
}

export async function startRegistry(options: RegistryServerOptions): Promise<RunningRegistry> {
  const store = await SchemaStore.open(options.kafka, options);
  try {
    const registry = new SchemaRegistry(store);
    const http = await buildHttpServer({
      log: options.log,
      metrics: options.metrics ?? new Metrics({ defaultMetrics: false }),
      docs: { title: 'Tributary schema registry', description: `Confluent Schema Registry's REST API, stored in the ${store.topic} topic`, version: '0.1.0', tags: [{ name: 'schema registry', description: 'subjects, versions, ids, compatibility' }] },
      readiness: { kafka: () => within(store.sync(), 5000).then(() => `ok (${store.topic})`) },
      access: options.access,
    });
    await registryRoutes(http, registry);
    const address = await http.listen({ port: options.port ?? DEFAULT_REGISTRY_PORT, host: options.host ?? '127.0.0.1' });
    return {
      url: address,
      registry,
      http,
      async close() {
        await http.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
