// Public surface of the partition log module.
export * from './config.js';
export * from './errors.js';
export * from './partition-log.js';
export { GroupCommit } from './group-commit.js';
export { segmentFileName } from './segment.js';
