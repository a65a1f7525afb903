/**
 * `@waitline/core`: job queues that tell every user where they stand (position and ETA), with
 * priorities, retries, leases, cancellation and a global concurrency limit on any storage.
 * @packageDocumentation
 */
export * from './errors.js';
export { type Logger, type RateLimitOptions, rateLimitedLogger, defaultLogger } from './logger.js';
export * from './priority.js';
export * from './state.js';
export * from './ordering.js';
export * from './group-rotation.js';
export { isStandardSchema, type StandardSchemaIssue, type StandardSchemaResult, type StandardSchemaV1 } from './standard-schema.js';
export { type WaitingPage, type WaitingSource, WAITING_SCAN, waitingInClaimOrder } from './waiting.js';
export * from './clock.js';
export { Paced } from './paced.js';
export * from './backoff.js';
export { type QueueRateLimit, MAX_RATE_LIMIT_MAX, rateLimitState, rateLimitCap, rateLimitField } from './rate-limit.js';
export * from './eta.js';
export { rateLimitedStartMs, rateLimitStartBound, groupRateStartBound } from './eta-rate.js';
export * from './events.js';
export * from './stats.js';
export { Job, type JobStatus, type JobHandleHost } from './job.js';
export { Queue, type QueueOptions, type BulkJob, type AddOptions, type GroupLimits, type ListJobsOptions } from './queue.js';
export { type ListGroupsOptions, MAX_GROUPS_PAGE } from './group-settings.js';
export { groupsPage } from './groups-page.js';
export { type JobDefaults, queuedRecord } from './new-job.js';
export { QueueEvents } from './queue-events.js';
export type { ScheduleInfo } from './schedules/api.js';
export {
  type CronSchedule,
  type EverySchedule,
  MIN_SCHEDULE_EVERY_MS,
  SCHEDULE_MISSED_AFTER_MS,
  type ScheduleDefinition,
  type ScheduleJobOptions,
} from './schedules/spec.js';
export { type ScheduledTick, scheduledTick } from './schedules/tick.js';
export { type ScheduleRow, scheduleFromRow } from './schedules/sql-row.js';
export { SCHEDULE_MAX_SLEEP_MS } from './schedules/wakeups.js';
export { RETENTION_STATES, type RetentionPolicy, type RetentionRule, type RetentionState } from './retention/policy.js';
export {
  applyRetention,
  HOUSEKEEPING_LEASE_MS,
  RETENTION_BATCH,
  RETENTION_PAUSE_MS,
  type RetentionPass,
  type RetentionPassOptions,
} from './retention/prune.js';
export { HOUSEKEEPING_INTERVAL_MS } from './retention/loop.js';
export { type KeptSample, mergeRecentSamples, newestSamples, sampleOfJob } from './retention/samples.js';
export { Worker, type WorkerOptions, type WorkerEventMap, type Handler } from './worker/worker.js';
export type { HandlerContext, ProgressUpdate } from './worker/context.js';
export { DEFAULT_LEASE_MS, DEFAULT_MAIN_LEASE_MS } from './worker/lease-defaults.js';
export {
  type JobOptions,
  MAX_JOB_SIZE,
  isPlainObject,
  notAnObject,
  parseOptions,
  parseOrThrow,
  storableText,
  timerMs,
  toValidationError,
} from './options.js';
export type { CleanState } from './call-options.js';
export * from './limits.js';
export { checkJsonValue, findJsonProblem } from './json-value.js';
export type * from './job-record.js';
export type * from './storage.js';
export { DEFAULT_MAX_STALLS } from './storage.js';
export { checkRemovableStates, REMOVE_BATCH, removeJobsInBatches } from './remove-jobs.js';
export {
  observeStorageCalls,
  StorageGuard,
  type StorageCall,
  type StorageCallName,
  type StorageCallObserver,
  type StorageGuardOptions,
} from './storage-guard.js';
export { deliverNotice } from './storage-notify.js';
export { NoticeHub, type NoticeHubOptions } from './notify/hub.js';
export { checkSchemaVersion, type SchemaVersionCheck } from './schema-version.js';
export type { NoticeSink, NoticeTransport } from './notify/transport.js';
export { MemoryStorage, type MemoryStorageOptions } from './memory/memory-storage.js';
export { ManualClock } from './memory/manual-clock.js';
export {
  type RecordTransitionsOptions,
  type Transition,
  type TransitionRecorder,
  recordTransitions,
} from './memory/transition-recorder.js';
export { exportJobs, transferJob, type ExportOptions } from './transfer/export.js';
export { importJobs, type ImportOptions } from './transfer/import.js';
export { TRANSFER_FORMAT, type HeaderLine, type JobLine, type QueueLine, type QueueSettings } from './transfer/lines.js';
export { planImport, type ImportPlan, type StoredConflict } from './transfer/plan.js';
export { DEFAULT_PROGRESS_INTERVAL_MS, WEBHOOK_EVENTS, type WebhookOptions } from './webhooks/subscription.js';
export { MASKED_SECRET, maskJobSecrets, WEBHOOK_QUEUE, type WebhookDeliveryJob, type WebhookError, type WebhookPayload } from './webhooks/body.js';
export {
  startWebhookDelivery,
  type WebhookDeliveryHandle,
  type WebhookDeliveryOptions,
  type WebhookDeliveryResult,
} from './webhooks/delivery.js';
export {
  DEFAULT_SIGNATURE_TOLERANCE_MS,
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from './webhooks/signature.js';
