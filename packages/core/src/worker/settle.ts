/**
 * Grouping finished attempts into one `settle` call, and the events each settled job emits.
 * @internal
 * @module
 */
import { isTransientStorageError } from '../errors.js';
import type { WaitlineEventMap, WaitlineEventName } from '../events.js';
import type { JobRecord } from '../job-record.js';
import type { SettleParams, SettleResult, Storage } from '../storage.js';
import type { Outcome } from './attempt.js';

/** The settle fields for a batch of outcomes (dropped ones write nothing). @internal */
export function groupOutcomes(outcomes: readonly Outcome[]): Pick<SettleParams, 'completed' | 'failed' | 'cancelled' | 'released'> {
  const group: Required<Pick<SettleParams, 'completed' | 'failed' | 'cancelled' | 'released'>> = {
    completed: [],
    failed: [],
    cancelled: [],
    released: [],
  };
  for (const o of outcomes) {
    if (o.kind === 'dropped') continue;
    (group[o.kind] as unknown[]).push(o.item);
  }
  return group;
}

type Emit = <K extends WaitlineEventName>(event: K, payload: WaitlineEventMap[K]) => void;

/**
 * Emits the event a settled job's new state calls for. A released job emits none, unless a cancel
 * requested meanwhile made the release end it `cancelled` (a requested cancel wins over a
 * hand-back): then `job:cancelled`, which nothing else emits for it. @internal
 */
export function emitSettled(emit: Emit, job: JobRecord, outcome: Outcome['kind']): void {
  const base = { queue: job.queue, jobId: job.id };
  if (outcome === 'released' && job.state !== 'cancelled') return;
  if (job.state === 'completed') {
    const durationMs = job.finishedAt !== null && job.startedAt !== null ? job.finishedAt - job.startedAt : null;
    emit('job:completed', { ...base, result: job.result, durationMs });
  } else if (job.state === 'failed' && job.error) {
    emit('job:failed', { ...base, error: job.error });
  } else if (job.state === 'cancelled') {
    emit('job:cancelled', base);
  } else if (job.state === 'queued' && job.error) {
    emit('job:retrying', { ...base, error: job.error, retryAt: job.runAt, attempt: job.attempt });
  }
}

/**
 * Calls `fn`; on a transient storage error retries it with exponential backoff (p-retry),
 * reporting each failure, until `retries` or until `stop()` says to give up (the last error is
 * thrown then). @internal
 */
export async function withStorageRetry<T>(fn: () => Promise<T>, onError: (err: Error) => void, retries = 5, stop: () => boolean = () => false): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isTransientStorageError(err) || stop()) throw err;
    onError(err);
  }
  const { default: pRetry } = await import('p-retry');
  return pRetry(fn, {
    retries,
    minTimeout: 50,
    maxTimeout: 2_000,
    randomize: true,
    shouldRetry: ({ error }) => isTransientStorageError(error) && !stop(),
    onFailedAttempt: ({ error }) => onError(error),
  });
}

/** What one settle-and-claim step needs. @internal */
export interface StepCall {
  storage: Storage;
  queue: string;
  now: () => number;
  /** The claim of this step, or undefined for none. */
  claim: { workerId: string; limit: number; leaseMs: number } | undefined;
  /** The queue has a rate limit: a lone claim goes through `settle`, whose result says when the next start may happen. */
  rated?: boolean;
  report: (err: unknown) => void;
  /** Gives up retrying (the worker is closing): see `withStorageRetry`. */
  stop?: () => boolean;
}

/**
 * One step's storage call, retried while the storage is briefly unreachable: the outcomes settled
 * with the claim in one call, or the claim alone when nothing finished. Throws what was not
 * transient (or stayed so). @internal
 */
export function settleOrClaim(c: StepCall, outcomes: readonly Outcome[]): Promise<SettleResult> {
  return withStorageRetry(
    async () => {
      const now = c.now();
      if (outcomes.length > 0) return c.storage.settle({ queue: c.queue, now, ...groupOutcomes(outcomes), claim: c.claim });
      if (!c.claim) return { settled: [], lost: [], claimed: [] };
      if (c.rated === true) return c.storage.settle({ queue: c.queue, now, claim: c.claim });
      const claimed = await c.storage.claim({ queue: c.queue, now, ...c.claim });
      return { settled: [], lost: [], claimed };
    },
    c.report,
    5,
    c.stop,
  );
}
