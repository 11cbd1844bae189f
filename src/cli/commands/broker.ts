// `tributary broker`: runs the embedded broker until SIGINT/SIGTERM, then closes
// it cleanly (in-flight requests answered, logs flushed and closed).
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startBroker } from '../../broker/index.js';
import { brokerConfigNames, brokerOptionsFromConfigs } from '../../broker/config-names.js';
import { securityOptions, securitySettingsFromEnv } from '../../broker/security-env.js';
import { parseInteger, parsePort, UsageError } from '../usage.js';

const HELP = `Usage: tributary broker [options]

  --port <n>         TCP port (default 9092, or BROKER_PORT)
  --host <addr>      interface to listen on (default 127.0.0.1)
  --advertised-host  host clients are told to connect to (default: --host)
  --listeners <l>    listeners as Kafka writes them, instead of --host/--port (or BROKER_LISTENERS):
                     PLAINTEXT://0.0.0.0:9092,SASL_SSL://127.0.0.1:9093
                     (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL; other names through
                     --config listener.security.protocol.map=INTERNAL:PLAINTEXT)
  --advertised-listeners <l>  what clients are told per listener (or BROKER_ADVERTISED_LISTENERS):
                     PLAINTEXT://localhost:19092 (a container's port mapping)
  --sasl-users <file>  SASL users for SASL listeners (or BROKER_SASL_USERS), JSON:
                     {"users":[{"name":"app","password":"..."}]} (PLAIN, SCRAM-SHA-256,
                     SCRAM-SHA-512; --config sasl.enabled.mechanisms narrows them)
  --tls-cert <pem>   certificate for SSL and SASL_SSL listeners (PEM file, or BROKER_TLS_CERT)
  --tls-key <pem>    its private key (PEM file, or BROKER_TLS_KEY)
  --tls-ca <pem>     CA that client certificates must be signed by (or BROKER_TLS_CA)
  --tls-client-auth  require client certificates (mutual TLS; needs --tls-ca; or BROKER_TLS_CLIENT_AUTH=true)
  --authorizer       enforce ACLs (CreateAcls/DescribeAcls/DeleteAcls manage them; kept in the
                     data dir); --config super.users=User:admin;User:ops and
                     --config allow.everyone.if.no.acl.found=true as in Kafka
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
      listeners: { type: 'string' },
      'advertised-listeners': { type: 'string' },
      'sasl-users': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-client-auth': { type: 'boolean' },
      authorizer: { type: 'boolean' },
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
  const fromEnv = securitySettingsFromEnv(process.env);
  const security = securityOptions({
    listeners: values.listeners ?? fromEnv.listeners,
    advertisedListeners: values['advertised-listeners'] ?? fromEnv.advertisedListeners,
    saslUsersFile: values['sasl-users'] ?? fromEnv.saslUsersFile,
    tlsCert: values['tls-cert'] ?? fromEnv.tlsCert,
    tlsKey: values['tls-key'] ?? fromEnv.tlsKey,
    tlsCa: values['tls-ca'] ?? fromEnv.tlsCa,
    tlsClientAuth: values['tls-client-auth'] ?? fromEnv.tlsClientAuth,
  });
  const broker = await startBroker({
    ...settings,
    ...security,
    // --config sasl.enabled.mechanisms and the users of --sasl-users together.
    ...(settings.sasl || security.sasl ? { sasl: { ...settings.sasl, ...security.sasl } } : {}),
    port,
    host: values.host ?? '127.0.0.1',
    advertisedHost: values['advertised-host'],
    dataDir,
    defaultPartitions: values.partitions !== undefined ? partitions : (settings.defaultPartitions ?? partitions),
    autoCreateTopics: values['no-auto-create'] ? false : (settings.autoCreateTopics ?? true),
    flushPolicy,
    authorizer: values.authorizer ? true : settings.authorizer,
    log: (level, msg, extra) => logger[level](extra ?? {}, msg),
  });
  const on = broker.listeners.map((l) => (broker.listeners.length === 1 && l.securityProtocol === 'PLAINTEXT' ? l.address : `${l.name}://${l.address}`));
  console.log(`Kafka-compatible broker on ${on.join(', ')} (data in ${broker.broker.config.dataDir})`);
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
