// Public entry of the embedded broker library.
export { startBroker, Broker, type RunningBroker, type RunningListener } from './broker.js';
export type { BrokerOptions, SaslOptions, TlsOptions } from './config.js';
export type { ListenerSpec, SecurityProtocol } from './listeners.js';
export type { SaslMechanism, SaslUser } from './sasl/credentials.js';
export { KafkaError } from './errors.js';
