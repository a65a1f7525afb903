/**
 * `@waitline/core`: queues that tell every user where they stand.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './priority.js';
export * from './state.js';
export * from './ordering.js';
export * from './clock.js';
export type * from './job-record.js';
export type * from './storage.js';
