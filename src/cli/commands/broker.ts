// `tributary broker`: runs the embedded broker until SIGINT/SIGTERM, then closes
// it cleanly (in-flight requests answered, logs flushed and closed).
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startBroker } from '../../broker/index.js';
import { brokerConfigNames, brokerOptionsFromConfigs } from '../../broker/config-names.js';
import { parseInteger, parsePort, UsageError } from '../usage.js';

const HELP = `Usage: tributary broker [options]

  --port <n>         TCP port (default 9092, or BROKER_PORT)
  --host <addr>      interface to listen on (default 127.0.0.1)
  --advertised-host  host clients are told to connect to (default: --host)
  --data-dir <dir>   where topics are stored (default ./data/broker, or DATA_DIR/broker)
  --partitions <n>   partitions of auto-created topics (default 1)
  --no-auto-create   refuse to create topics on first use
  --flush <policy>   ack (fsync before answering acks=-1, the default), interval, none
  --config <k=v>     a broker setting by its Kafka name, repeatable, e.g.
                     --config socket.request.max.bytes=10485760 --config max.connections=1000
                     (${brokerConfigNames.join(', ')})
`;

export async function brokerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'advertised-host': { type: 'string' },
      'data-dir': { type: 'string' },
      partitions: { type: 'string' },
      'no-auto-create': { type: 'boolean' },
      flush: { type: 'string' },
      config: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const logger = pino({ name: 'broker' }, pino.destination(2));
  const port = parsePort('--port', values.port ?? process.env.BROKER_PORT ?? '9092');
  const partitions = parseInteger('--partitions', values.partitions ?? '1', 1);
  const flushPolicy = parseFlush(values.flush ?? 'ack');
  const dataDir = values['data-dir'] ?? (process.env.DATA_DIR ? `${process.env.DATA_DIR}/broker` : './data/broker');
  const settings = brokerOptionsFromConfigs(values.config ?? []);
  const broker = await startBroker({
    ...settings,
    port,
    host: values.host ?? '127.0.0.1',
    advertisedHost: values['advertised-host'],
    dataDir,
    defaultPartitions: values.partitions !== undefined ? partitions : (settings.defaultPartitions ?? partitions),
    autoCreateTopics: values['no-auto-create'] ? false : (settings.autoCreateTopics ?? true),
    flushPolicy,
    log: (level, msg, extra) => logger[level](extra ?? {}, msg),
  });
  console.log(`Kafka-compatible broker on ${broker.address} (data in ${broker.broker.config.dataDir})`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await broker.close();
  logger.info('stopped');
  return 0;
}

function parseFlush(value: string): 'ack' | 'interval' | 'none' {
  if (value === 'ack' || value === 'interval' || value === 'none') return value;
  throw new UsageError(`--flush must be ack, interval or none, got "${value}"`);
}
