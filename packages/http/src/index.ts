/**
 * `@waitline/http`: Waitline over HTTP. A web-standard fetch handler (`Request` → `Response`) with
 * the public job status each user's page polls (position, ETA, progress, live over SSE), an admin
 * API, Prometheus metrics, an OpenAPI document and a live dashboard; `toNodeListener` mounts it on
 * `node:http`, Express or Fastify, and it runs as it is on Hono and other fetch servers.
 * @packageDocumentation
 */
export { createHandler, type HandlerOptions, type WaitlineHandler } from './handler.js';
export { toNodeListener, type NodeListener } from './node.js';
export { HttpError, type HttpErrorCode, type ErrorBody } from './errors.js';
export type { Authorize } from './app.js';
export type { ActionName, AdminAction } from './router.js';
export type { ExposeOptions, PublicJobStatus, AdminJob } from './projections.js';
export type { History, PredictionPoint } from './history.js';
export { PublicJobStatusSchema, AdminJobSchema, HistorySchema } from './schemas.js';
export {
  createMetrics,
  DEFAULT_DURATION_BUCKETS,
  STORAGE_CALL_BUCKETS,
  type MetricsOptions,
  MetricsUnavailableError,
  PROMETHEUS_CONTENT_TYPE,
  type WaitlineMetrics,
} from './metrics.js';
