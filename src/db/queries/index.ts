// The typed queries of the db layer, one module per table group.
export * from './users.js';
export * from './baskets.js';
