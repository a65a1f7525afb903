/**
 * The zod schemas of the HTTP API: the handler validates requests with them and the OpenAPI
 * document is generated from them, so the two cannot drift apart.
 * @module
 */
import { z } from 'zod';

const ms = z.number().describe('milliseconds since the epoch');
const nullableMs = ms.nullable();
const jobState = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

/**
 * A whole number given in a query string: decimal digits only, so `0x10`, `1e2`, ` 7` or an empty
 * value are refused rather than read as numbers, then bounded to [min, max].
 */
const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

/** An ETA as core computes it. */
export const EtaSchema = z
  .object({
    startsInMs: z.number().nullable(),
    finishesInMs: z.number().nullable(),
    low: z.number().nullable(),
    high: z.number().nullable(),
    basis: z.string().describe("'size' | 'history' | 'unknown' | 'no-workers' | 'paused'"),
  })
  .describe('When the job is expected to start and finish, from now, with a range of about the 10th to 90th percentile');

const progress = z.object({ percent: z.number().nullable(), stage: z.string().nullable(), updatedAt: ms, data: z.unknown().optional() }).nullable();

const publicError = z.object({ name: z.string(), message: z.string(), code: z.string().optional() });

/** What anyone with a job's id may read: no payload, result or error unless the queue exposes them. */
export const PublicJobStatusSchema = z.object({
  id: z.string(),
  queue: z.string(),
  name: z.string(),
  state: jobState,
  scheduled: z.boolean(),
  position: z.number().int().nullable().describe('1-based place among ready jobs; null unless queued and ready'),
  eta: EtaSchema.nullable(),
  progress,
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  priority: z.number().int(),
  runAt: ms,
  createdAt: ms,
  startedAt: nullableMs,
  finishedAt: nullableMs,
  cancelRequested: z.boolean(),
  payload: z.unknown().optional(),
  result: z.unknown().optional(),
  error: publicError.nullable().optional(),
});

/** A stored job as the admin API shows it: everything but the lease token, with position and ETA. */
export const AdminJobSchema = z.object({
  id: z.string(),
  queue: z.string(),
  name: z.string(),
  state: jobState,
  priority: z.number().int(),
  runAt: ms,
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  stalls: z.number().int(),
  size: z.number().nullable(),
  idempotencyKey: z.string().nullable(),
  group: z.string().nullable().describe('the group (tenant) the job takes turns with; null when ungrouped'),
  createdAt: ms,
  startedAt: nullableMs,
  finishedAt: nullableMs,
  workerId: z.string().nullable(),
  cancelRequested: z.boolean(),
  payload: z.unknown(),
  progress,
  result: z.unknown(),
  error: z.object({ name: z.string(), message: z.string(), code: z.string().optional(), stack: z.string().optional(), attempt: z.number(), at: ms }).nullable(),
  traceparent: z.string().nullable().describe('the W3C trace context the job was added in; null when none'),
  position: z.number().int().nullable(),
  eta: EtaSchema.nullable(),
});

const durations = z.object({
  count: z.number(),
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

/** A queue's stored configuration. */
export const QueueConfigSchema = z.object({
  name: z.string(),
  concurrency: z.number().int().nullable(),
  maxSize: z.number().int().nullable(),
  paused: z.boolean(),
  draining: z.boolean(),
  maxStalls: z.number().int(),
  rateLimit: z
    .object({ max: z.number().int(), intervalMs: z.number().int() })
    .nullable()
    .optional()
    .describe('at most max job starts in any intervalMs window, across every worker; null: no limit'),
  groupConcurrency: z.number().int().nullable().optional().describe('most running jobs of any one group; absent: no cap'),
  groupMaxWaiting: z.number().int().nullable().optional().describe('most waiting jobs of any one group; absent: no cap'),
  groupRateLimit: z
    .object({ max: z.number().int(), intervalMs: z.number().int() })
    .nullable()
    .optional()
    .describe('at most max starts of any one group in any intervalMs window; absent: no limit'),
});

/** Core's `QueueStats`. */
export const QueueStatsSchema = z.object({
  queue: z.string(),
  config: QueueConfigSchema,
  counts: z.record(z.string(), z.number()).describe('jobs by state, and queued split into ready and scheduled'),
  workers: z.array(z.object({ id: z.string(), queue: z.string(), host: z.string(), pid: z.number(), concurrency: z.number(), startedAt: ms, lastSeenAt: ms })),
  capacity: z.number(),
  utilisation: z.number(),
  throughput: z.array(z.object({ windowMs: z.number(), completed: z.number(), failed: z.number(), completedPerMinute: z.number() })),
  successRate: z.number().nullable(),
  runTimeMs: durations,
  waitTimeMs: durations,
  schedules: z.number().int().describe('how many schedules (cron or every) the queue has'),
});

/** The last hour of one queue, by minute, and the waits this process told users against the real ones. */
export const HistorySchema = z.object({
  queue: z.string(),
  bucketMs: z.number(),
  buckets: z.array(
    z.object({
      at: ms,
      completed: z.number(),
      failed: z.number(),
      waitMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
      runMs: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
    }),
  ),
  predictions: z.array(z.object({ jobId: z.string(), at: ms, predictedWaitMs: z.number(), realWaitMs: z.number() })),
});

/** Every error answer. */
export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), path: z.array(z.union([z.string(), z.number()])) }),
});

/** `GET /queues/:queue/jobs` query. */
export const ListQuerySchema = z.object({
  state: jobState.optional(),
  limit: queryInt(1, 100, 20),
  cursor: z
    .string()
    .regex(/^\d{1,16}$/, 'an opaque cursor from nextCursor')
    .refine((c) => Number(c) <= Number.MAX_SAFE_INTEGER, 'an opaque cursor from nextCursor')
    .optional(),
});

/** `PUT /jobs/:queue/:id/priority` body. */
export const PriorityBodySchema = z.object({ priority: z.number().int() }).strict();

/** `POST /queues/:queue/clean` body. */
export const CleanBodySchema = z
  .object({
    state: z.enum(['completed', 'failed', 'cancelled', 'queued']),
    olderThanMs: z.number().int().min(0).optional(),
  })
  .strict();

/**
 * `PUT /queues/:queue/rate-limit` body: the limit, or null to remove it. Only the shape is checked
 * here; core validates the values (its path answers under `body`).
 */
export const RateLimitBodySchema = z
  .object({
    rateLimit: z
      .object({ max: z.number(), intervalMs: z.number() })
      .strict()
      .nullable()
      .describe('at most max starts in any intervalMs window; null removes the limit'),
  })
  .strict();

/**
 * `PUT /queues/:queue/group-limits` body: each limit, or null to remove it; a field left out keeps
 * its stored value. Only the shape is checked here; core validates the values.
 */
export const GroupLimitsBodySchema = z
  .object({
    groupConcurrency: z.number().nullable().optional().describe('most running jobs of any one group; null removes the cap'),
    groupMaxWaiting: z.number().nullable().optional().describe('most waiting jobs of any one group; null removes the cap'),
    groupRateLimit: z
      .object({ max: z.number(), intervalMs: z.number() })
      .strict()
      .nullable()
      .optional()
      .describe('at most max starts of any one group in any intervalMs window; null removes the limit'),
  })
  .strict();

/** `PUT /queues/:queue/groups/:group` body: the group's weight (core validates the value: 1 to 100). */
export const GroupSettingsBodySchema = z
  .object({ weight: z.number().describe('jobs the group gives per round of its level, where a group without settings gives 1') })
  .strict();

/** A group's stored settings. */
export const GroupSettingsSchema = z.object({ group: z.string(), weight: z.number().int() });

/** A named group with its jobs, as `GET /queues/:queue/groups` lists it. */
export const GroupCountsSchema = GroupSettingsSchema.extend({
  ready: z.number().int().describe('queued jobs due now'),
  scheduled: z.number().int().describe('queued jobs due later'),
  running: z.number().int(),
});

/** `GET /queues/:queue/groups` query: a page of groups by name, after `after` (the `nextAfter` of the page before). */
export const GroupsQuerySchema = z.object({
  limit: queryInt(1, 1_000, 100),
  after: z.string().min(1).max(128).optional(),
});

/** `POST /queues/:queue/jobs` body: the payload is validated by the queue's own schema. */
export const AddBodySchema = z
  .object({
    payload: z.unknown(),
    options: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('add options: priority, delayMs, runAt, attempts, size, idempotencyKey, name, timeoutMs, group'),
  })
  .strict();

/** `POST /queues/:queue/jobs` answer. */
export const AddedSchema = z.object({ id: z.string(), position: z.number().int().nullable(), eta: EtaSchema.nullable() });

/** Named schemas, as `components.schemas` of the OpenAPI document. */
export const COMPONENTS = {
  PublicJobStatus: PublicJobStatusSchema,
  AdminJob: AdminJobSchema,
  QueueStats: QueueStatsSchema,
  QueueConfig: QueueConfigSchema,
  History: HistorySchema,
  Error: ErrorSchema,
  Eta: EtaSchema,
} as const;
