/**
 * Turns a payload and its options into a validated `NewJob`, with every default resolved.
 * @internal
 * @module
 */
import { type RetryPolicy, toBackoffSpec } from './backoff.js';
import { ValidationError } from './errors.js';
import { uuidv7 } from './ids.js';
import type { JobRecord, NewJob, WebhookSubscription } from './job-record.js';
import { checkJsonValue } from './json-value.js';
import { MAX_RUN_AT } from './limits.js';
import { isPlainObject, type JobOptions, parseJobOptions } from './options.js';
import { DEFAULT_PRIORITY } from './priority.js';
import { type StandardSchemaV1, validateStandard } from './standard-schema.js';
import { resolveWebhook } from './webhooks/subscription.js';

/** The queue-level defaults a job falls back to. */
export interface JobDefaults {
  jobName: string;
  retry: RetryPolicy;
  timeoutMs: number | null;
  /** The subscription of jobs added without a `webhook` option. */
  webhook: WebhookSubscription | null;
  /** Whether the storage keeps groups (its `groups` capability); when false a `group` option is refused. */
  groups?: boolean | undefined;
}

/**
 * Checks the payload is a plain object, passes the queue's schema, and (as parsed) round-trips
 * exactly through JSON (see `json-value.ts`). @internal
 */
export function validatePayload(schema: StandardSchemaV1 | undefined, payload: unknown, root: ReadonlyArray<string | number>): unknown {
  if (!isPlainObject(payload)) {
    const got = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
    throw new ValidationError(`invalid payload: expected a plain object, got ${got}`, [{ path: root, message: `expected a plain object, got ${got}` }]);
  }
  let data: unknown = payload;
  if (schema) data = validateStandard(schema, payload, 'payload', root);
  checkJsonValue(data, root, 'payload');
  return data;
}

/** When the job becomes ready, in whole ms; a time past `MAX_RUN_AT` is a `ValidationError`. */
function resolveRunAt(options: JobOptions, now: number, root: ReadonlyArray<string | number>): number {
  const at = options.runAt instanceof Date ? options.runAt.getTime() : options.runAt;
  const runAt = Math.round(at !== undefined ? Math.max(now, at) : now + (options.delayMs ?? 0));
  if (runAt <= MAX_RUN_AT) return runAt;
  const field = options.runAt !== undefined ? 'runAt' : 'delayMs';
  const message = `the job would run after ${new Date(MAX_RUN_AT).toISOString()} (MAX_RUN_AT), the latest time every storage holds`;
  throw new ValidationError(`invalid job options at ${[...root, field].join('.')}: ${message}`, [{ path: [...root, field], message }]);
}

/**
 * Builds the stored form of one job; throws `ValidationError` before anything is written. The job
 * carries its options' `traceparent` when they give one (null included), else `traceparent` (the
 * add's span context). @internal
 */
export function buildNewJob(
  schema: StandardSchemaV1 | undefined,
  defaults: JobDefaults,
  payload: unknown,
  rawOptions: unknown,
  now: number,
  root: ReadonlyArray<string | number> = [],
  traceparent: string | null = null,
): NewJob {
  const data = validatePayload(schema, payload, [...root, 'payload']);
  const options: JobOptions = parseJobOptions(rawOptions, [...root, 'options']);
  const runAt = resolveRunAt(options, now, [...root, 'options']);
  const backoff = options.backoff ?? defaults.retry.backoff;
  if (options.group !== undefined && defaults.groups !== true) {
    const message = 'this storage does not keep groups (it lacks the groups capability)';
    throw new ValidationError(`invalid job options at ${[...root, 'options', 'group'].join('.')}: ${message}`, [
      { path: [...root, 'options', 'group'], message },
    ]);
  }
  return {
    id: uuidv7(now),
    name: options.name ?? defaults.jobName,
    payload: data,
    priority: options.priority ?? DEFAULT_PRIORITY,
    runAt,
    maxAttempts: options.attempts ?? defaults.retry.attempts,
    backoff: toBackoffSpec(backoff),
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    size: options.size ?? null,
    idempotencyKey: options.idempotencyKey ?? null,
    traceparent: options.traceparent !== undefined ? options.traceparent : traceparent,
    webhook: resolveWebhook(options.webhook, defaults.webhook),
    group: options.group ?? null,
  };
}

/**
 * The record of a job a storage has just enqueued: `queued`, no attempt yet, nothing leased or
 * finished. Storages return it without reading the row back; `payload` is the payload as stored
 * (a storage that serialises it passes the parsed copy, so it equals what a later read returns).
 */
export function queuedRecord(queue: string, job: NewJob, seq: number, now: number, payload: unknown = job.payload): JobRecord {
  return {
    id: job.id,
    queue,
    name: job.name,
    payload,
    state: 'queued',
    priority: job.priority,
    runAt: job.runAt,
    seq,
    attempt: 0,
    maxAttempts: job.maxAttempts,
    stalls: 0,
    backoff: job.backoff ?? null,
    timeoutMs: job.timeoutMs ?? null,
    size: job.size ?? null,
    idempotencyKey: job.idempotencyKey ?? null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    leaseToken: null,
    leaseExpiresAt: null,
    workerId: null,
    cancelRequested: false,
    progress: null,
    result: null,
    error: null,
    traceparent: job.traceparent ?? null,
    webhook: job.webhook ?? null,
    group: job.group ?? null,
  };
}
