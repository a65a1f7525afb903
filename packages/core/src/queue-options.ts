/**
 * The options a `Queue` takes: of the queue itself (stored ones shared by every process), of one
 * bulk entry, and of one add call as a whole.
 * @module
 */
import type { RetryPolicy } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import { ValidationError } from './errors.js';
import type { JobDefaults } from './new-job.js';
import { type JobOptions, parseGroupLimits, parseQueueOptions, parseRateLimit, parseRetryPolicy } from './options.js';
import { normalizeRetention } from './retention/policy.js';
import type { QueueConfig, Storage, UpsertQueueParams } from './storage.js';
import { resolveWebhook } from './webhooks/subscription.js';
import type { QueueRateLimit } from './rate-limit.js';
import type { JobState } from './state.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { RetentionPolicy } from './retention/policy.js';
import type { WebhookOptions } from './webhooks/subscription.js';

/**
 * Options of a queue. `concurrency`, `maxSize`, `maxStalls`, `rateLimit`, `groupConcurrency`,
 * `groupMaxWaiting` and `retention` are stored and shared by every process.
 */
export interface QueueOptions<Payload = unknown, Input = Payload> {
  /**
   * A schema every payload must pass, from any Standard Schema validator (zod 3.24+ or 4, valibot,
   * arktype, …; validated synchronously). `add`, `addBulk` and `schedule` take the schema's input
   * type; the payload stored, and what a handler gets, is what the schema returns (its output
   * type: transforms and defaults applied).
   */
  payload?: StandardSchemaV1<Input, Payload> | undefined;
  /** Most jobs running at once across every worker on every host; null removes the limit. Left as stored when undefined. */
  concurrency?: number | null | undefined;
  /** Most jobs waiting; an add beyond it throws `QueueFullError`. Left as stored when undefined. */
  maxSize?: number | null | undefined;
  /**
   * How many times one job may stall (its worker crashed, was killed or stopped renewing the lease)
   * without spending an attempt: such a job goes back to the queue in its place with its attempt
   * handed back. Past it a stall counts as a failed attempt (retried while attempts are left, else
   * the job fails with `LEASE_LOST`); 0 makes every stall count. A stall is decided by whichever
   * worker reclaims the job, from the stored value. Left as stored when undefined; a new queue
   * stores 1 (`DEFAULT_MAX_STALLS`).
   */
  maxStalls?: number | undefined;
  /**
   * At most `max` job starts (retries included) in any `intervalMs` window, across every worker on
   * every host; null removes the limit. Jobs held back stay queued in their place, and their ETA
   * counts the limit. Left as stored when undefined. See {@link QueueRateLimit}.
   */
  rateLimit?: QueueRateLimit | null | undefined;
  /**
   * Most running jobs of any one group (the `group` job option) across every worker; null removes
   * the cap. A claim passes over a group at its cap and the group keeps its turn, so its jobs keep
   * their positions while other groups' jobs start; ungrouped jobs are bound by the queue's
   * limits only. Stored and shared, left as stored when undefined. Needs a storage with the
   * `groups` capability (else a `ValidationError` at `options.groupConcurrency`).
   */
  groupConcurrency?: number | null | undefined;
  /**
   * Most waiting jobs (ready or scheduled) of any one group; an add beyond it throws
   * `GroupFullError` and writes nothing. Null removes the cap; stored, left as stored when
   * undefined, and needs the `groups` capability as `groupConcurrency` does.
   */
  groupMaxWaiting?: number | null | undefined;
  /**
   * At most `max` starts of any one group in any `intervalMs` window, across every worker (the
   * sliding window of {@link rateLimit}, counted per group); null removes it. A claim passes over
   * a group with no token left and the group keeps its turn, so its jobs keep their positions
   * while other groups' jobs start, and their ETA counts the limit. Ungrouped jobs are bound by
   * the queue's limits only. Stored and shared, left as stored when undefined; needs the `groups`
   * capability as `groupConcurrency` does.
   */
  groupRateLimit?: QueueRateLimit | null | undefined;
  /** Default retry policy; `attempts` counts the first run. Defaults to 1 attempt (no retry). */
  retry?: RetryPolicy | undefined;
  /** Default per-attempt timeout; none by default. An integer up to `MAX_TIMER_MS` (2^31−1). */
  timeoutMs?: number | undefined;
  /** The name given to jobs added without one. Defaults to `'default'`. 1-200 characters, no NUL or lone surrogate. */
  jobName?: string | undefined;
  /** Time source; tests inject one. Defaults to the storage's shared clock, else the wall clock. */
  clock?: Clock | undefined;
  /**
   * The webhook of every job added without its own `webhook` option (see `docs/webhooks.md`).
   * Kept in this process's options, not in the storage: each job stores its own resolved copy.
   * Validated as the job option is, at `['options', 'webhook', ...]`. None by default.
   */
  webhook?: WebhookOptions | null | undefined;
  /**
   * How long finished jobs are kept, per final state (`{ completed: { maxAgeMs, maxCount } }`);
   * stored when the queue is first used, so every process prunes by the same rule, and applied in
   * bounded batches by whichever worker holds the queue's housekeeping lease. A bad rule is a
   * `ValidationError` at `['options', 'retention', state, field]` and nothing is written. Left as
   * stored when undefined; null keeps every finished job. Pruned jobs' ETA samples are kept.
   */
  retention?: RetentionPolicy | null | undefined;
}

/** One entry of `addBulk`. */
export interface BulkJob<Payload> {
  payload: Payload;
  options?: JobOptions | undefined;
}

/** Options of `Queue.listJobs`: which states, how many (1 to `MAX_LIST_LIMIT`, default 100), from where, in which `seq` order (newest first by default). */
export interface ListJobsOptions {
  states?: JobState[] | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  order?: 'asc' | 'desc' | undefined;
  /**
   * Keyset paging: only jobs whose `seq` comes after this one in `order` (smaller for `desc`,
   * greater for `asc`); pass the last listed job's `seq` for the next page. Unlike `offset`, a
   * page neither repeats nor skips jobs when jobs are added or removed between reads, and its
   * cost does not grow with how far the reader has gone.
   */
  afterSeq?: number | undefined;
}

/** Options of one `add` or `addBulk` call as a whole. */
export interface AddOptions {
  /**
   * Your own open transaction, for a storage that can join it (`pg`: a client after `BEGIN`).
   * Anything else is a `ValidationError` at path `options.tx`.
   */
  tx?: unknown | undefined;
}

/** What a `Queue` resolves from its options once, at construction. @internal */
export interface QueueSettings {
  schema: StandardSchemaV1 | undefined;
  clock: Clock;
  defaults: JobDefaults;
  customBackoff: ((ctx: { attempt: number; error: unknown }) => number | null) | undefined;
  /** The stored settings the options give (only those given). */
  configPatch: Pick<UpsertQueueParams, 'concurrency' | 'maxSize' | 'maxStalls' | 'rateLimit' | 'groupConcurrency' | 'groupMaxWaiting' | 'groupRateLimit'>;
  retention: RetentionPolicy | null | undefined;
}

/** Validates a queue's options (a `ValidationError` at their path) and resolves every default. @internal */
export function resolveQueueSettings(storage: Storage, options: QueueOptions<unknown>): QueueSettings {
  parseQueueOptions(options);
  checkGroupOptions(storage, options);
  const retry = options.retry ? parseRetryPolicy(options.retry) : { attempts: 1 };
  const configPatch: QueueSettings['configPatch'] = {};
  if (options.concurrency !== undefined) configPatch.concurrency = options.concurrency;
  if (options.maxSize !== undefined) configPatch.maxSize = options.maxSize;
  if (options.maxStalls !== undefined) configPatch.maxStalls = options.maxStalls;
  if (options.rateLimit !== undefined) configPatch.rateLimit = options.rateLimit;
  if (options.groupConcurrency !== undefined) configPatch.groupConcurrency = options.groupConcurrency;
  if (options.groupMaxWaiting !== undefined) configPatch.groupMaxWaiting = options.groupMaxWaiting;
  if (options.groupRateLimit !== undefined) configPatch.groupRateLimit = copyRate(options.groupRateLimit);
  return {
    schema: options.payload,
    clock: options.clock ?? storage.clock ?? systemClock,
    defaults: {
      jobName: options.jobName ?? 'default',
      retry,
      timeoutMs: options.timeoutMs ?? null,
      webhook: resolveWebhook(options.webhook, null),
      groups: storage.capabilities.groups === true,
    },
    customBackoff: retry.backoff?.kind === 'custom' ? retry.backoff.delay : undefined,
    configPatch,
    retention: options.retention === undefined ? undefined : normalizeRetention(options.retention),
  };
}

/** The per-group caps of a queue, as `Queue.setGroupLimits` takes them; undefined leaves one as stored, null removes it. */
export interface GroupLimits {
  /** See `QueueOptions.groupConcurrency`. */
  groupConcurrency?: number | null | undefined;
  /** See `QueueOptions.groupMaxWaiting`. */
  groupMaxWaiting?: number | null | undefined;
  /** See `QueueOptions.groupRateLimit`. */
  groupRateLimit?: QueueRateLimit | null | undefined;
}

/**
 * Refuses a group cap on a storage without the `groups` capability: a `ValidationError` at
 * `[...root, key]`. Removing a cap (null) is always allowed. @internal
 */
export function checkGroupOptions(storage: Storage, limits: GroupLimits, root: readonly string[] = ['options']): void {
  if (storage.capabilities.groups === true) return;
  for (const key of ['groupConcurrency', 'groupMaxWaiting', 'groupRateLimit'] as const) {
    if (limits[key] === undefined || limits[key] === null) continue;
    const message = `${key} needs a storage with the groups capability`;
    throw new ValidationError(message, [{ path: [...root, key], message }]);
  }
}

/**
 * Stores `patch` for every process, then remembers it in `remembered` (what a restore after a
 * reset writes: a patch the storage refused is not written again), and wakes workers a lowered
 * limit held back. @internal
 */
export async function patchConfig(
  queue: { readonly name: string; readonly storage: Storage; readonly clock: Clock },
  remembered: QueueSettings['configPatch'],
  patch: QueueSettings['configPatch'],
): Promise<QueueConfig> {
  const config = await queue.storage.upsertQueue({ name: queue.name, ...patch, now: queue.clock.now() });
  Object.assign(remembered, patch);
  queue.storage.notifier?.publish({ queue: queue.name, kind: 'added', runAt: queue.clock.now() });
  return config;
}

/** Validates a rate limit for `Queue.setRateLimit` (`ValidationError` at `['rateLimit', ...]`); the patch that stores it. @internal */
export function rateLimitPatch(rateLimit: QueueRateLimit | null): QueueSettings['configPatch'] {
  parseRateLimit(rateLimit);
  return { rateLimit: copyRate(rateLimit) };
}

/** A rate limit with only its two fields (null stays null). */
function copyRate(rate: QueueRateLimit | null): QueueRateLimit | null {
  return rate === null ? null : { max: rate.max, intervalMs: rate.intervalMs };
}

/** Validates limits for `Queue.setGroupLimits` (`ValidationError` at `['groupConcurrency']`, `['groupRateLimit', 'max']` …); the patch holding the fields given. @internal */
export function groupLimitsPatch(storage: Storage, limits: GroupLimits): QueueSettings['configPatch'] {
  parseGroupLimits(limits);
  checkGroupOptions(storage, limits, []);
  const patch: QueueSettings['configPatch'] = {};
  if (limits.groupConcurrency !== undefined) patch.groupConcurrency = limits.groupConcurrency;
  if (limits.groupMaxWaiting !== undefined) patch.groupMaxWaiting = limits.groupMaxWaiting;
  if (limits.groupRateLimit !== undefined) patch.groupRateLimit = copyRate(limits.groupRateLimit);
  return patch;
}
