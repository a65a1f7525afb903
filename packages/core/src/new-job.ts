/**
 * Turns a payload and its options into a validated `NewJob`, with every default resolved.
 * @internal
 * @module
 */
import type { z } from 'zod';
import { type RetryPolicy, toBackoffSpec } from './backoff.js';
import { ValidationError } from './errors.js';
import { uuidv7 } from './ids.js';
import type { JobRecord, NewJob } from './job-record.js';
import { type JobOptions, parseJobOptions, toValidationError } from './options.js';
import { DEFAULT_PRIORITY } from './priority.js';

/** The queue-level defaults a job falls back to. */
export interface JobDefaults {
  jobName: string;
  retry: RetryPolicy;
  timeoutMs: number | null;
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Checks the payload is a plain object that JSON can carry, and passes the queue's schema. @internal */
export function validatePayload(schema: z.ZodType | undefined, payload: unknown, root: ReadonlyArray<string | number>): unknown {
  if (!isPlainObject(payload)) {
    const got = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
    throw new ValidationError(`invalid payload: expected a plain object, got ${got}`, [
      { path: root, message: `expected a plain object, got ${got}` },
    ]);
  }
  if (!schema) return payload;
  const result = schema.safeParse(payload);
  if (!result.success) throw toValidationError('payload', result.error.issues, root);
  return result.data;
}

/** Builds the stored form of one job; throws `ValidationError` before anything is written. @internal */
export function buildNewJob(
  schema: z.ZodType | undefined,
  defaults: JobDefaults,
  payload: unknown,
  rawOptions: unknown,
  now: number,
  root: ReadonlyArray<string | number> = [],
): NewJob {
  const data = validatePayload(schema, payload, [...root, 'payload']);
  const options: JobOptions = rawOptions === undefined ? {} : parseJobOptions(rawOptions, [...root, 'options']);
  const runAt =
    options.runAt !== undefined
      ? Math.max(now, options.runAt instanceof Date ? options.runAt.getTime() : options.runAt)
      : now + (options.delayMs ?? 0);
  const backoff = options.backoff ?? defaults.retry.backoff;
  return {
    id: uuidv7(now),
    name: options.name ?? defaults.jobName,
    payload: data,
    priority: options.priority ?? DEFAULT_PRIORITY,
    runAt: Math.round(runAt),
    maxAttempts: options.attempts ?? defaults.retry.attempts,
    backoff: toBackoffSpec(backoff),
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    size: options.size ?? null,
    idempotencyKey: options.idempotencyKey ?? null,
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
  };
}
