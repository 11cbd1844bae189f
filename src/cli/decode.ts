// Which topics the services declare, for `tributary consume` (and `tributary
// console`) to decode their values with the topic's own serde (decode.ts in the
// stream library does the decoding).
import type { KafkaConfig } from '../stream/kafka-config.js';
import type { KnownTopic } from '../stream/decode.js';
import type { Service, ServiceContext } from '../services/service.js';

export { decodeGeneric, decodeText, decodeValue, toPlain, type DecodedValue, type KnownTopic, type ValueFormat } from '../stream/decode.js';

/**
 * The five services as declarations only: each built with a context that opens
 * nothing (no database, no consumer until startApi), for their topics' serdes
 * and their processing graphs. A service that fails to build is left out.
 */
export async function declaredServices(kafka: KafkaConfig, env: NodeJS.ProcessEnv = process.env): Promise<Service[]> {
  let services: Record<string, (ctx: ServiceContext) => Service>;
  let ctx: ServiceContext;
  try {
    const [{ SERVICES }, { Metrics }, { default: pino }] = await Promise.all([
      import('../runtime/services.js'),
      import('../http/metrics.js'),
      import('pino'),
    ]);
    services = SERVICES;
    ctx = {
      kafka,
      env,
      log: pino({ level: 'silent' }),
      database: () => {
        const refused = Promise.reject(new Error('the CLI opens no database'));
        refused.catch(() => {}); // a factory that never awaits it must not crash the CLI
        return refused;
      },
      metrics: new Metrics({ defaultMetrics: false }),
    };
  } catch {
    return [];
  }
  const built: Service[] = [];
  for (const factory of Object.values(services)) {
    try {
      built.push(factory(ctx));
    } catch {
      // a service under construction must not stop the CLI
    }
  }
  return built;
}

/**
 * The topics the services declare, by name. A service that is missing or fails
 * to build is skipped: the CLI then prints that topic's values as JSON, text or hex.
 */
export async function knownTopics(kafka: KafkaConfig, env: NodeJS.ProcessEnv = process.env): Promise<Map<string, KnownTopic>> {
  const topics = new Map<string, KnownTopic>();
  for (const service of await declaredServices(kafka, env)) {
    try {
      for (const t of service.app.allTopics()) if (!topics.has(t.name)) topics.set(t.name, t);
    } catch {
      // a service under construction must not stop the CLI from printing records
    }
  }
  return topics;
}
