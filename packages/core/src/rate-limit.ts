/**
 * Per-queue rate limits: at most `max` job starts in any `intervalMs`-long window, across every
 * process. The storages keep a log of the queue's recent start times and consult it inside their
 * guarded claim; the arithmetic on that log lives here so every storage counts the same way.
 * @module
 */
import { z } from 'zod';
import { MAX_TIMER_MS } from './limits.js';

/**
 * A queue's start-rate limit: no half-open window `[t, t + intervalMs)` contains more than `max`
 * job starts (claims, retries included) of the queue, counted over every worker on every host.
 * It is a sliding window, not fixed buckets: a burst of `max` at the end of one interval leaves no
 * room at the start of the next. Stored with the queue like `concurrency`; null removes it.
 */
export interface QueueRateLimit {
  /** Most starts in one window: an integer from 1 to {@link MAX_RATE_LIMIT_MAX}. */
  max: number;
  /** The window's length in ms: an integer from 1 to `MAX_TIMER_MS`. */
  intervalMs: number;
}

/**
 * The largest `max` a rate limit may have: the storages log each start of the window, so the log
 * of one queue stays below this many rows.
 */
export const MAX_RATE_LIMIT_MAX = 100_000;

/** The zod schema of a {@link QueueRateLimit}, used by the queue options and `setRateLimit`. @internal */
export const rateLimitSchema = z
  .object({
    max: z.number().int().min(1).max(MAX_RATE_LIMIT_MAX),
    intervalMs: z.number().int().min(1).max(MAX_TIMER_MS),
  })
  .strict();

/**
 * How a claim at `now` stands with the limit, from the queue's logged start times (any order):
 * `tokens` is how many more jobs may start now, and `nextAt` the earliest time at which one more
 * token frees when none is left (the oldest start that still counts plus `intervalMs`), else `now`.
 * A start counts while `now - intervalMs < start`; starts logged in the future (a process whose
 * clock runs ahead) count too, which only holds claims back, never lets one more through.
 */
export function rateLimitState(limit: QueueRateLimit, starts: readonly number[], now: number): { tokens: number; nextAt: number } {
  const counted = starts.filter((at) => at > now - limit.intervalMs).sort((a, b) => a - b);
  const tokens = Math.max(0, limit.max - counted.length);
  if (tokens > 0) return { tokens, nextAt: now };
  // k starts count and k >= max: one token frees once the (k - max)-th oldest leaves the window.
  const oldest = counted[counted.length - limit.max] as number;
  return { tokens, nextAt: Math.max(now, oldest + limit.intervalMs) };
}

/**
 * How many of `wanted` jobs a claim at `now` may start under `limit` (null: all of them), given
 * the queue's logged starts; when that is fewer than `wanted`, also when the next token frees
 * once the claim has taken what it may (`nextStartAt`). For storages that run this inside their
 * guarded claim, between reading the log and writing the claim's starts to it. @internal
 */
export function rateLimitCap(limit: QueueRateLimit | null, starts: readonly number[], now: number, wanted: number): { limit: number; nextStartAt?: number } {
  if (limit === null) return { limit: wanted };
  const { tokens } = rateLimitState(limit, starts, now);
  if (tokens >= wanted) return { limit: wanted };
  const after = rateLimitState(limit, [...starts, ...new Array<number>(tokens).fill(now)], now);
  return { limit: tokens, nextStartAt: after.nextAt };
}

/**
 * The `rateLimit` field of a stored queue config read back from its two stored numbers: `{}` when
 * either is absent (no limit: storages leave the field out, see `QueueConfig.rateLimit`). Spread
 * it into the config. @internal
 */
export function rateLimitField(max: number | null, intervalMs: number | null): { rateLimit?: QueueRateLimit } {
  return max === null || intervalMs === null ? {} : { rateLimit: { max, intervalMs } };
}
