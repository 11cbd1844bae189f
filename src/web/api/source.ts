// What the console looks at: the Kafka cluster, the services this process runs
// (for the processing graph, the system panels and decoding their topics), the
// database check, and whether the API asks for keys. `tributary start` and
// `tributary api` give all of it; `tributary console` gives the cluster and the
// services' declarations only.
import type { Service } from '../../services/service.js';
import type { KafkaConfig } from '../../stream/kafka-config.js';
import type { KafkaAdmin } from '../../stream/kafka.js';
import type { Metrics } from '../../http/metrics.js';

export interface ConsoleSource {
  kafka: KafkaConfig;
  /** An admin client the process already holds (the API's readiness check): used, not closed. Absent: the console opens its own. */
  admin?: KafkaAdmin;
  /** The systems, running or only declared; default none. */
  services?: Service[];
  /** The services are declarations only (`tributary console`): graphs and decoding, no panels, no systems in the overview. */
  declaredOnly?: boolean;
  /** The database check: resolves with a status ("ok (pglite)"), rejects when unreachable. Absent: no database. */
  database?: () => Promise<string>;
  /** API_KEYS is set: the page must send a key. */
  authRequired?: boolean;
  /** Where the built page is (index.html, assets/); default <package root>/dist/console. */
  pageDir?: string;
  /** Sampling periods (tests shorten them); see sampler.ts. */
  sampling?: { activeMs?: number; idleMs?: number };
  /** The process's metrics: the live streams' figures are added to them (tributary_console_live_*). */
  metrics?: Metrics;
  /** Milliseconds between `: ping` comments on a live stream; default 15 s. */
  pingMs?: number;
}
