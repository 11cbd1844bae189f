// Tributary's library entry point.
export * from './broker/index.js';
