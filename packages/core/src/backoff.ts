/**
 * Retry policies and the pure function that turns one into a delay.
 * @module
 */
import { RetryPolicyError } from './errors.js';
import type { BackoffSpec } from './job-record.js';
import { MAX_DELAY_MS } from './limits.js';

/** Context handed to a custom backoff function. */
export interface BackoffContext {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** What the attempt threw. */
  error: unknown;
}

/**
 * A backoff as given in options: the stored kinds, or `custom` with a function kept in code (queue
 * level only). Every value in ms is at most `MAX_DELAY_MS` (100 years), and a computed retry time
 * past `MAX_RUN_AT` is clamped to it.
 */
export type BackoffOption =
  | {
      kind: 'fixed';
      /** The same delay before every retry. */
      delayMs: number;
    }
  | {
      kind: 'exponential';
      /** Delay before the second attempt; doubles per attempt. */
      baseMs: number;
      /** Upper bound of any delay. Defaults to one hour. */
      maxMs?: number;
      /** 0 to 1: the share of each delay that is randomised (full jitter at 1). Defaults to 0.2. */
      jitter?: number;
    }
  | {
      kind: 'list';
      /** Delay before attempt 2, 3, ...; the last one repeats when attempts outnumber it. */
      delaysMs: number[];
    }
  | {
      kind: 'custom';
      /**
       * Returns the delay in ms before the next attempt (rounded; clamped to 0..`MAX_DELAY_MS`), or
       * null to stop retrying. Throwing, or returning anything else, fails the job with a
       * `RetryPolicyError`. Lives in code: every process whose worker runs the queue's jobs must
       * give its `Queue` the same function.
       */
      delay: (ctx: BackoffContext) => number | null;
    };

/** How a queue (or one job) retries: `attempts` counts the first run. */
export interface RetryPolicy {
  attempts: number;
  backoff?: BackoffOption;
}

/** The default exponential ceiling. */
export const DEFAULT_BACKOFF_MAX_MS = 3_600_000;
/** The default jitter share of exponential backoff. */
export const DEFAULT_JITTER = 0.2;

/** Turns an option into the serialisable spec stored with the job. */
export function toBackoffSpec(option: BackoffOption | undefined): BackoffSpec | null {
  if (!option) return null;
  switch (option.kind) {
    case 'fixed':
      return { kind: 'fixed', delayMs: option.delayMs };
    case 'exponential':
      return {
        kind: 'exponential',
        baseMs: option.baseMs,
        maxMs: option.maxMs ?? DEFAULT_BACKOFF_MAX_MS,
        jitter: option.jitter ?? DEFAULT_JITTER,
      };
    case 'list':
      return { kind: 'list', delaysMs: [...option.delaysMs] };
    case 'custom':
      return { kind: 'custom' };
  }
}

/**
 * `ms` as a whole number of ms from 0 to {@link MAX_DELAY_MS}: rounded, negatives and NaN become
 * 0, anything longer (Infinity included) becomes `MAX_DELAY_MS`. Every computed retry delay passes
 * through it, so a stored spec can never produce a time a storage cannot hold.
 */
export function clampDelay(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(MAX_DELAY_MS, Math.round(ms));
}

function errorMessage(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable value';
  }
}

/** Calls a custom backoff function; anything but null or a number of ms is a `RetryPolicyError`. */
function customDelay(custom: ((ctx: BackoffContext) => number | null) | undefined, ctx: BackoffContext): number | null {
  const failed = `attempt ${ctx.attempt} failed (${errorMessage(ctx.error)})`;
  if (!custom) {
    const message = `${failed} and the job's backoff is custom, but this worker's queue has no custom backoff function: not retried. Give every process's Queue the same retry.backoff.`;
    throw new RetryPolicyError(message, { cause: ctx.error });
  }
  let delay: unknown;
  try {
    delay = custom(ctx);
  } catch (err) {
    throw new RetryPolicyError(`${failed} and the custom backoff function threw (${errorMessage(err)}): not retried`, { cause: ctx.error });
  }
  if (delay === null) return null;
  if (typeof delay !== 'number' || Number.isNaN(delay)) {
    const got = typeof delay === 'number' ? 'NaN' : typeof delay;
    throw new RetryPolicyError(`${failed} and the custom backoff function returned ${got}, not a number of ms or null: not retried`, { cause: ctx.error });
  }
  return delay;
}

/**
 * The delay in ms before the attempt after `attempt` (1-based), or null when no retry should run.
 * The delay is always a whole number from 0 to {@link MAX_DELAY_MS} (see {@link clampDelay}).
 * Pure: randomness comes from `random` (returns [0, 1)), so tests pin it. A stored `custom` spec
 * needs the function from the queue's options (`custom`): without it, or when the function throws
 * or returns neither null nor a number, this throws a `RetryPolicyError` (the caller fails the job
 * with it rather than silently skipping the retries).
 */
export function computeRetryDelay(
  spec: BackoffSpec | null,
  ctx: BackoffContext,
  random: () => number = Math.random,
  custom?: (ctx: BackoffContext) => number | null,
): number | null {
  const raw = rawDelay(spec, ctx, random, custom);
  return raw === null ? null : clampDelay(raw);
}

function rawDelay(
  spec: BackoffSpec | null,
  ctx: BackoffContext,
  random: () => number,
  custom: ((ctx: BackoffContext) => number | null) | undefined,
): number | null {
  if (!spec) return 0;
  switch (spec.kind) {
    case 'fixed':
      return spec.delayMs;
    case 'exponential': {
      const raw = Math.min(spec.maxMs, spec.baseMs * 2 ** (ctx.attempt - 1));
      return raw * (1 - spec.jitter) + raw * spec.jitter * random();
    }
    case 'list': {
      const delays = spec.delaysMs;
      return delays[Math.min(ctx.attempt - 1, delays.length - 1)] ?? 0;
    }
    case 'custom':
      return customDelay(custom, ctx);
  }
}
