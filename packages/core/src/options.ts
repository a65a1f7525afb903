/**
 * Validation of every option a user passes, with zod, into typed `ValidationError`s that carry the
 * offending value's path. Validation always happens before any write.
 * @module
 */
import { z } from 'zod';
import type { BackoffOption, RetryPolicy } from './backoff.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import { MAX_PRIORITY, MIN_PRIORITY } from './priority.js';

const nonNegativeMs = z.number().finite().nonnegative();
const positiveMs = z.number().finite().positive();

const backoffSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), delayMs: nonNegativeMs }).strict(),
  z
    .object({
      kind: z.literal('exponential'),
      baseMs: positiveMs,
      maxMs: positiveMs.optional(),
      jitter: z.number().min(0).max(1).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('list'), delaysMs: z.array(nonNegativeMs).min(1) }).strict(),
  z.object({ kind: z.literal('custom'), delay: z.custom<BackoffOption & { kind: 'custom' }>((v) => typeof v === 'function') }).strict(),
]);

const attemptsSchema = z.number().int().min(1).max(1_000);

const retrySchema = z.object({ attempts: attemptsSchema, backoff: backoffSchema.optional() }).strict();

/** The highest `size` a job may carry. */
export const MAX_JOB_SIZE = 1e12;

const prioritySchema = z
  .number()
  .int()
  .min(MIN_PRIORITY, `priority must be at least ${MIN_PRIORITY}`)
  .max(MAX_PRIORITY, `priority must be at most ${MAX_PRIORITY}`);

const jobOptionsSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    priority: prioritySchema.optional(),
    delayMs: nonNegativeMs.optional(),
    runAt: z.union([z.date(), z.number().finite().nonnegative()]).optional(),
    attempts: attemptsSchema.optional(),
    backoff: backoffSchema.optional(),
    timeoutMs: positiveMs.optional(),
    size: z.number().finite().positive().max(MAX_JOB_SIZE).optional(),
    idempotencyKey: z.string().min(1).max(500).optional(),
  })
  .strict()
  .refine((o) => o.delayMs === undefined || o.runAt === undefined, {
    message: 'give delayMs or runAt, not both',
    path: ['runAt'],
  });

/** Options of one job, given to `queue.add`. */
export interface JobOptions {
  /** The job's kind inside the queue; statistics (and so ETAs) are kept per name. Defaults to the queue's `jobName`. */
  name?: string;
  /** An integer from 1 to 1000; higher runs first. See `priority` for named levels. */
  priority?: number;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** Run no earlier than this time. */
  runAt?: Date | number;
  /** Attempts in all, the first run included; overrides the queue's retry policy. */
  attempts?: number;
  /** Overrides the queue's backoff for this job. */
  backoff?: BackoffOption;
  /** Abort the handler's signal after this long; overrides the queue's `timeoutMs`. */
  timeoutMs?: number;
  /** A positive amount of work (audio seconds, pages, bytes): the ETA scales the time per unit by it. */
  size?: number;
  /** A second add with the same key in the same queue returns the existing job and writes nothing. */
  idempotencyKey?: string;
}

const queueNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'a queue name is letters, digits and . _ : -, starting with a letter or digit');

const queueOptionsSchema = z
  .object({
    payload: z.custom<z.ZodType>((v) => v instanceof z.ZodType, 'payload must be a zod schema').optional(),
    concurrency: z.number().int().positive().nullable().optional(),
    maxSize: z.number().int().positive().nullable().optional(),
    maxStalls: z.number().int().min(0).max(1_000).optional(),
    retry: retrySchema.optional(),
    timeoutMs: positiveMs.optional(),
    jobName: z.string().min(1).max(200).optional(),
    clock: z.object({ now: z.custom<() => number>((v) => typeof v === 'function') }).optional(),
  })
  .strict();

const workerOptionsSchema = z
  .object({
    concurrency: z.number().int().positive().max(10_000).optional(),
    leaseMs: z.number().int().min(100).max(86_400_000).optional(),
    heartbeatMs: z.number().int().positive().optional(),
    heartbeat: z.enum(['thread', 'main']).optional(),
    pollIntervalMs: z.number().int().positive().optional(),
    shutdownGraceMs: nonNegativeMs.optional(),
    timeoutGraceMs: nonNegativeMs.optional(),
    autostart: z.boolean().optional(),
    workerId: z.string().min(1).max(200).optional(),
    random: z.custom<() => number>((v) => typeof v === 'function').optional(),
  })
  .strict();

/** Converts zod issues into a `ValidationError` whose paths start at `root`. */
export function toValidationError(what: string, issues: readonly z.core.$ZodIssue[], root: ReadonlyArray<string | number>): ValidationError {
  const mapped: ValidationIssue[] = issues.map((issue) => ({
    path: [...root, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: issue.message,
  }));
  const first = mapped[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
  return new ValidationError(`invalid ${what}${where}: ${first?.message ?? 'rejected'}`, mapped);
}

/** Parses `value` with `schema`, throwing a `ValidationError` rooted at `root` when it fails. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string, root: ReadonlyArray<string | number>): T {
  const result = schema.safeParse(value);
  if (!result.success) throw toValidationError(what, result.error.issues, root);
  return result.data;
}

/** Validates job options; the error paths start at `root` (e.g. `['options']` or `['jobs', 3, 'options']`). */
export function parseJobOptions(value: unknown, root: ReadonlyArray<string | number> = ['options']): JobOptions {
  return parseOrThrow(jobOptionsSchema, value ?? {}, 'job options', root) as JobOptions;
}

/** Validates a queue name. */
export function parseQueueName(value: unknown): string {
  return parseOrThrow(queueNameSchema, value, 'queue name', ['name']);
}

/** Validates queue options (the shape is checked; types come from `QueueOptions`). */
export function parseQueueOptions(value: unknown): void {
  parseOrThrow(queueOptionsSchema, value ?? {}, 'queue options', ['options']);
}

/** Validates worker options (the shape is checked; types come from `WorkerOptions`). */
export function parseWorkerOptions(value: unknown): void {
  parseOrThrow(workerOptionsSchema, value ?? {}, 'worker options', ['options']);
}

/** Validates a job id given to a lookup or control call. */
export function parseJobId(value: unknown): string {
  return parseOrThrow(z.string().min(1).max(200), value, 'job id', ['id']);
}

/** Validates a priority given to `changePriority`. */
export function parsePriority(value: unknown): number {
  return parseOrThrow(prioritySchema, value, 'priority', ['priority']);
}

/** Validates a retry policy given in queue options. */
export function parseRetryPolicy(value: unknown): RetryPolicy {
  return parseOrThrow(retrySchema, value, 'retry policy', ['options', 'retry']) as RetryPolicy;
}
