// Public entry of the embedded broker library.
export { startBroker, Broker, type RunningBroker } from './broker.js';
export type { BrokerOptions } from './config.js';
export { KafkaError } from './errors.js';
