/**
 * Validation of every option a user passes, with zod, into typed `ValidationError`s that carry the
 * offending value's path. Validation always happens before any write. Numbers are bounded so every
 * storage and Node's timers hold them (see `limits.ts`); text follows the storable-text rule.
 * @module
 */
import { z } from 'zod';
import { retentionSchema } from './retention/policy.js';
import type { BackoffOption, RetryPolicy } from './backoff.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import { MAX_COUNT, MAX_DELAY_MS, MAX_RUN_AT, MAX_TIMER_MS, textProblem } from './limits.js';
import { MAX_PRIORITY, MIN_PRIORITY } from './priority.js';
import { rateLimitSchema } from './rate-limit.js';
import { isTraceparent, TRACEPARENT_PROBLEM } from './traceparent.js';
import { type WebhookOptions, webhookSchema } from './webhooks/subscription.js';
import { isStandardSchema, type StandardSchemaV1 } from './standard-schema.js';

/**
 * A zod schema for text every storage keeps exactly: `min` (default 1) to `max` characters, no
 * NUL, no lone surrogate. Storages use it for their own text options.
 */
export function storableText(max: number, min = 1): z.ZodString {
  return z
    .string()
    .min(min)
    .max(max)
    .superRefine((text, ctx) => {
      const problem = textProblem(text);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: `the text ${problem}` });
    });
}

/** A zod schema for a timer length in ms: an integer from `min` to {@link MAX_TIMER_MS}. */
export function timerMs(min = 1): z.ZodNumber {
  return z.number().int().min(min).max(MAX_TIMER_MS, `at most ${MAX_TIMER_MS} ms (2^31-1, the longest timer Node holds)`);
}

const delayMs = z.number().finite().nonnegative().max(MAX_DELAY_MS, `at most ${MAX_DELAY_MS} ms (100 years)`);
const positiveDelayMs = delayMs.positive();

const CUSTOM_PER_JOB = "a job's own backoff cannot be custom: a function cannot be stored with the job; give it in the queue's retry.backoff instead";

const storedBackoffs = [
  z.object({ kind: z.literal('fixed'), delayMs }).strict(),
  z
    .object({
      kind: z.literal('exponential'),
      baseMs: positiveDelayMs,
      maxMs: positiveDelayMs.optional(),
      jitter: z.number().min(0).max(1).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('list'), delaysMs: z.array(delayMs).min(1).max(1_000) }).strict(),
] as const;

/** A queue's backoff: the stored kinds, or `custom` with its function. */
const backoffSchema = z.discriminatedUnion('kind', [
  ...storedBackoffs,
  z.object({ kind: z.literal('custom'), delay: z.custom<BackoffOption & { kind: 'custom' }>((v) => typeof v === 'function') }).strict(),
]);

/**
 * A backoff as a job record stores it: the stored kinds, or `{ kind: 'custom' }` standing for the
 * queue's function. What an import accepts. @internal
 */
export const storedBackoffSchema = z.discriminatedUnion('kind', [...storedBackoffs, z.object({ kind: z.literal('custom') }).strict()]);

/** One job's backoff: the stored kinds only (a function cannot travel with the job). */
const jobBackoffSchema = z.discriminatedUnion('kind', [
  ...storedBackoffs,
  z
    .object({ kind: z.literal('custom') })
    .loose()
    .refine(() => false, { message: CUSTOM_PER_JOB, path: ['kind'] }),
]);

/** The most attempts a job may have (`attempts`, `retry.attempts`). */
export const MAX_ATTEMPTS = 1_000;
const attemptsSchema = z.number().int().min(1).max(MAX_ATTEMPTS);

const retrySchema = z.object({ attempts: attemptsSchema, backoff: backoffSchema.optional() }).strict();

/** The highest `size` a job may carry. */
export const MAX_JOB_SIZE = 1e12;

const prioritySchema = z
  .number()
  .int()
  .min(MIN_PRIORITY, `priority must be at least ${MIN_PRIORITY}`)
  .max(MAX_PRIORITY, `priority must be at most ${MAX_PRIORITY}`);

const runAtSchema = z.union([
  z.date().refine((d) => d.getTime() >= 0 && d.getTime() <= MAX_RUN_AT, `a date from 1970 to ${new Date(MAX_RUN_AT).toISOString()}`),
  z
    .number()
    .finite()
    .nonnegative()
    .max(MAX_RUN_AT, `at most ${MAX_RUN_AT} (${new Date(MAX_RUN_AT).toISOString()})`),
]);

/**
 * A group's name: 1-128 characters, no control character, no lone surrogate, and not `.` or `..`
 * (URLs resolve those as path steps, even percent-encoded, so no HTTP route could name the group).
 */
export const groupNameSchema = storableText(128)
  .refine((name) => ![...name].some(isControl), 'a group name has no control characters')
  .refine((name) => name !== '.' && name !== '..', 'a group name is not "." or ".." (a URL cannot name it)');

/** True for a C0 control character or DEL. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

const jobOptionsSchema = z
  .object({
    name: storableText(200).optional(),
    priority: prioritySchema.optional(),
    delayMs: delayMs.optional(),
    runAt: runAtSchema.optional(),
    attempts: attemptsSchema.optional(),
    backoff: jobBackoffSchema.optional(),
    timeoutMs: timerMs().optional(),
    size: z.number().finite().positive().max(MAX_JOB_SIZE).optional(),
    idempotencyKey: storableText(500).optional(),
    traceparent: z.string().refine(isTraceparent, `expected ${TRACEPARENT_PROBLEM}`).nullable().optional(),
    webhook: webhookSchema.nullable().optional(),
    group: groupNameSchema.optional(),
  })
  .strict()
  .refine((o) => o.delayMs === undefined || o.runAt === undefined, {
    message: 'give delayMs or runAt, not both',
    path: ['runAt'],
  });

/** Options of one job, given to `queue.add`. */
export interface JobOptions {
  /**
   * The job's kind inside the queue; statistics (and so ETAs) are kept per name. Defaults to the
   * queue's `jobName`. 1-200 characters, no NUL or lone surrogate.
   */
  name?: string | undefined;
  /** An integer from 1 to 1000; higher runs first. See `priority` for named levels. */
  priority?: number | undefined;
  /** Run no earlier than this many ms from now: at most `MAX_DELAY_MS`, and `now + delayMs` at most `MAX_RUN_AT`. */
  delayMs?: number | undefined;
  /** Run no earlier than this time (a `Date` or ms since the epoch), at most `MAX_RUN_AT` (2200-01-01). */
  runAt?: Date | number | undefined;
  /** Attempts in all, the first run included; overrides the queue's retry policy. */
  attempts?: number | undefined;
  /**
   * Overrides the queue's backoff for this job: `fixed`, `exponential` or `list` (every value at
   * most `MAX_DELAY_MS`). `custom` is refused here (a function cannot be stored with the job);
   * give a custom backoff in the queue's `retry` option.
   */
  backoff?: Exclude<BackoffOption, { kind: 'custom' }> | undefined;
  /** Abort the handler's signal after this long; overrides the queue's `timeoutMs`. An integer up to `MAX_TIMER_MS` (2^31−1). */
  timeoutMs?: number | undefined;
  /** A positive amount of work (audio seconds, pages, bytes): the ETA scales the time per unit by it. */
  size?: number | undefined;
  /**
   * A second add with the same key in the same queue returns the existing job and writes nothing.
   * 1-500 characters, no NUL or lone surrogate.
   */
  idempotencyKey?: string | undefined;
  /**
   * The W3C trace context the job belongs to, e.g. the `traceparent` header of the HTTP request
   * that adds it: `00-<32 hex>-<16 hex>-<2 hex>`, lowercase, ids not all zero. Stored as given;
   * each attempt's span becomes its child. When left out, the add's own span (with
   * `@opentelemetry/api` installed and a tracer registered) fills it; null stores none.
   */
  traceparent?: string | null | undefined;
  /**
   * Where to POST this job's progress and outcome (see `docs/webhooks.md`); replaces the queue's
   * default `webhook`, and null turns that default off for this job. Validated before anything is
   * written (a bad URL is a `ValidationError` at `['options', 'webhook', 'url']`) and stored with
   * the job.
   */
  webhook?: WebhookOptions | null | undefined;
  /**
   * The job's group (a tenant, a user): within its priority level the queue takes groups in
   * turns, so a group with 50 waiting jobs and a group with 1 alternate, and positions and ETAs
   * stay exact. 1-128 characters, no control character or lone surrogate. Leave it out for an
   * ungrouped job; in a queue that has groups, the ungrouped jobs take turns as one group.
   * A storage without the `groups` capability refuses it with a `ValidationError`.
   */
  group?: string | undefined;
}

/** The most stalls a queue's `maxStalls` allows. */
export const MAX_STALLS = 1_000;

/** A queue's name, as `new Queue` accepts it. @internal */
export const queueNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'a queue name is letters, digits and . _ : -, starting with a letter or digit');

const groupCapSchema = z.number().int().positive().max(MAX_COUNT).nullable().optional();
const groupRateSchema = rateLimitSchema.nullable().optional();
const groupLimitsSchema = z.object({ groupConcurrency: groupCapSchema, groupMaxWaiting: groupCapSchema, groupRateLimit: groupRateSchema }).strict();

const queueOptionsSchema = z
  .object({
    payload: z.custom<StandardSchemaV1>(isStandardSchema, 'payload must be a Standard Schema validator (zod 3.24+ or 4, valibot, arktype, …)').optional(),
    concurrency: z.number().int().positive().max(MAX_COUNT).nullable().optional(),
    maxSize: z.number().int().positive().max(MAX_COUNT).nullable().optional(),
    maxStalls: z.number().int().min(0).max(MAX_STALLS).optional(),
    rateLimit: rateLimitSchema.nullable().optional(),
    groupConcurrency: groupCapSchema,
    groupMaxWaiting: groupCapSchema,
    groupRateLimit: groupRateSchema,
    retry: retrySchema.optional(),
    timeoutMs: timerMs().optional(),
    jobName: storableText(200).optional(),
    clock: z.object({ now: z.custom<() => number>((v) => typeof v === 'function') }).optional(),
    webhook: webhookSchema.nullable().optional(),
    retention: retentionSchema.nullable().optional(),
  })
  .strict();

const workerOptionsSchema = z
  .object({
    concurrency: z.number().int().positive().max(10_000).optional(),
    prefetch: z.number().int().min(0).max(1_000).optional(),
    leaseMs: z.number().int().min(100).max(86_400_000).optional(),
    heartbeatMs: timerMs().optional(),
    heartbeat: z.enum(['thread', 'main']).optional(),
    pollIntervalMs: timerMs().optional(),
    shutdownGraceMs: timerMs(0).optional(),
    timeoutGraceMs: timerMs(0).optional(),
    autostart: z.boolean().optional(),
    workerId: storableText(200).optional(),
    random: z.custom<() => number>((v) => typeof v === 'function').optional(),
    logger: z
      .custom<{ warn: unknown }>(
        (v) => typeof v === 'object' && v !== null && typeof (v as { warn?: unknown }).warn === 'function',
        'logger must have a warn(message, error) method',
      )
      .optional(),
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

/** True for an object literal (or `Object.create(null)`): not an array, not a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A `ValidationError` at `root` for a value that should be a plain object of options. */
export function notAnObject(what: string, value: unknown, root: ReadonlyArray<string | number>): ValidationError {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'a class instance' : typeof value;
  const message = `expected a plain object, got ${got}`;
  const where = root.length > 0 ? ` at ${root.join('.')}` : '';
  return new ValidationError(`invalid ${what}${where}: ${message}`, [{ path: root, message }]);
}

/**
 * Parses an options argument: `undefined` becomes `{}`; anything but a plain object (null, a
 * number, an array, a class instance) is a `ValidationError` at `root`; then `schema` decides.
 */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, what: string, root: ReadonlyArray<string | number>): T {
  if (value === undefined) return parseOrThrow(schema, {}, what, root);
  if (!isPlainObject(value)) throw notAnObject(what, value, root);
  return parseOrThrow(schema, value, what, root);
}

/** Validates job options; the error paths start at `root` (e.g. `['options']` or `['jobs', 3, 'options']`). */
export function parseJobOptions(value: unknown, root: ReadonlyArray<string | number> = ['options']): JobOptions {
  return parseOptions(jobOptionsSchema, value, 'job options', root) as JobOptions;
}

/** Validates a queue name. */
export function parseQueueName(value: unknown): string {
  return parseOrThrow(queueNameSchema, value, 'queue name', ['name']);
}

/** Validates queue options (the shape is checked; types come from `QueueOptions`). */
export function parseQueueOptions(value: unknown): void {
  parseOptions(queueOptionsSchema, value, 'queue options', ['options']);
}

/** Validates a rate limit given to `Queue.setRateLimit` (null removes it); paths start at `['rateLimit']`. */
export function parseRateLimit(value: unknown): void {
  parseOrThrow(rateLimitSchema.nullable(), value, 'rate limit', ['rateLimit']);
}

/** Validates the caps given to `Queue.setGroupLimits`; paths start at the field (`['groupConcurrency']`). */
export function parseGroupLimits(value: unknown): void {
  parseOrThrow(groupLimitsSchema, value, 'group limits', []);
}

/**
 * Validates worker options (the shape is checked; types come from `WorkerOptions`); the error
 * paths start at `root` (`['options']`, or `['options', 'worker']` inside another call's options).
 */
export function parseWorkerOptions(value: unknown, root: ReadonlyArray<string | number> = ['options']): void {
  parseOptions(workerOptionsSchema, value, 'worker options', root);
}

/** Validates a job id given to a lookup or control call: 1-200 characters, no NUL or lone surrogate. */
export function parseJobId(value: unknown): string {
  return parseOrThrow(storableText(200), value, 'job id', ['id']);
}

/** Validates a priority given to `changePriority`. */
export function parsePriority(value: unknown): number {
  return parseOrThrow(prioritySchema, value, 'priority', ['priority']);
}

/** Validates a retry policy given in queue options. */
export function parseRetryPolicy(value: unknown): RetryPolicy {
  return parseOrThrow(retrySchema, value, 'retry policy', ['options', 'retry']) as RetryPolicy;
}
