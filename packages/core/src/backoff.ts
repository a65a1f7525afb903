/**
 * Retry policies and the pure function that turns one into a delay.
 * @module
 */
import type { BackoffSpec } from './job-record.js';

/** Context handed to a custom backoff function. */
export interface BackoffContext {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** What the attempt threw. */
  error: unknown;
}

/** A backoff as given in options: the stored kinds, or `custom` with a function kept in code. */
export type BackoffOption =
  | { kind: 'fixed'; delayMs: number }
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
      /** Returns the delay in ms before the next attempt, or null to stop retrying. */
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
 * The delay in ms before the attempt after `attempt` (1-based), or null when no retry should run.
 * Pure: randomness comes from `random` (returns [0, 1)), so tests pin it. A stored `custom` spec
 * needs the function from the queue's options (`custom`); without it the job is not retried.
 */
export function computeRetryDelay(
  spec: BackoffSpec | null,
  ctx: BackoffContext,
  random: () => number = Math.random,
  custom?: (ctx: BackoffContext) => number | null,
): number | null {
  if (!spec) return 0;
  switch (spec.kind) {
    case 'fixed':
      return spec.delayMs;
    case 'exponential': {
      const raw = Math.min(spec.maxMs, spec.baseMs * 2 ** (ctx.attempt - 1));
      const jittered = raw * (1 - spec.jitter) + raw * spec.jitter * random();
      return Math.round(jittered);
    }
    case 'list': {
      const delays = spec.delaysMs;
      if (delays.length === 0) return 0;
      return delays[Math.min(ctx.attempt - 1, delays.length - 1)] ?? 0;
    }
    case 'custom': {
      if (!custom) return null;
      const delay = custom(ctx);
      return delay === null || !Number.isFinite(delay) || delay < 0 ? null : Math.round(delay);
    }
  }
}
