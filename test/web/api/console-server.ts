// A console server for the tests of src/web/api: the generic HTTP server with
// consoleRoutes only, on a given broker, answering through inject() (or
// listening on 127.0.0.1:0 for the live streams), with a producer and an admin
// client to change the cluster under it.
import pino from 'pino';
import { Metrics } from '../../../src/http/metrics.js';
import { buildHttpServer, type HttpServer } from '../../../src/http/server.js';
import { createAdmin, createProducer, type KafkaAdmin, type RawProducer } from '../../../src/stream/kafka.js';
import { consoleRoutes, type ConsoleRoutes } from '../../../src/web/api/routes.js';
import type { ConsoleSource } from '../../../src/web/api/source.js';
import type { ConsolePage } from '../../../src/web/api/static.js';

export interface ConsoleServer extends ConsoleRoutes {
  http: HttpServer;
  /** GET/POST/... through inject(); the parsed JSON body. */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startConsoleServer(
  brokers: string[],
  source: Partial<ConsoleSource> = {},
  apiKeys: string[] = [],
  more?: (http: HttpServer, page: ConsolePage) => void,
): Promise<ConsoleServer> {
  const http = await buildHttpServer({
    log: pino({ level: process.env.TRIBUTARY_TEST_LOG ? 'debug' : 'silent' }),
    metrics: new Metrics({ defaultMetrics: false }),
    docs: { title: 'console test', description: 'console', version: '0' },
    access: { apiKeys },
  });
  const routes = await consoleRoutes(http, { kafka: { brokers, clientId: 'console-test' }, ...source });
  more?.(http, routes.page);
  await http.ready();
  return {
    ...routes,
    http,
    async call(method, url, body, headers = {}) {
      const res = await http.inject({ method: method as 'GET', url, payload: body === undefined ? undefined : (body as object), headers });
      let parsed: unknown = res.body;
      try {
        parsed = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        // not JSON
      }
      return { status: res.statusCode, body: parsed, headers: res.headers };
    },
    close: () => http.close(),
  };
}

export interface ClusterTools {
  admin: KafkaAdmin;
  producer: RawProducer;
  send(topic: string, records: { key?: string; value: string | null; partition?: number; headers?: Record<string, string>; timestamp?: number }[]): Promise<void>;
  close(): Promise<void>;
}

export function clusterTools(brokers: string[]): ClusterTools {
  const kafka = { brokers, clientId: 'console-test-tools' };
  const admin = createAdmin(kafka);
  const producer = createProducer(kafka);
  return {
    admin,
    producer,
    async send(topic, records) {
      await producer.send({
        messages: records.map((r) => ({
          topic,
          key: r.key === undefined ? undefined : Buffer.from(r.key),
          value: (r.value === null ? null : Buffer.from(r.value)) as Buffer,
          partition: r.partition,
          timestamp: r.timestamp === undefined ? undefined : BigInt(r.timestamp),
          headers: r.headers ? new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])) : undefined,
        })),
      });
    },
    async close() {
      await producer.close().catch(() => {});
      await admin.close().catch(() => {});
    },
  };
}
