/**
 * The context a handler receives: its abort signal and a progress reporter.
 * @module
 */
import { z } from 'zod';
import { LeaseLostError } from '../errors.js';
import type { JobProgress } from '../job-record.js';
import { checkJsonValue } from '../json-value.js';
import { parseOptions, storableText } from '../options.js';
import type { Queue } from '../queue.js';
import type { WebhookHooks } from '../webhooks/hooks.js';
import type { ActiveAttempt } from './attempt.js';

/** Progress as a handler reports it; at least one field. */
export interface ProgressUpdate {
  /** 0 to 100. */
  percent?: number;
  /** A short name for the current step, e.g. `'transcribe'`: at most 200 characters, no NUL or lone surrogate. */
  stage?: string;
  /**
   * Any detail that round-trips exactly as JSON (the rules of payloads: plain objects and arrays,
   * finite numbers, storable strings; a `Date` as `toISOString()`).
   */
  data?: unknown;
}

/** What a handler gets besides its job. */
export interface HandlerContext {
  /**
   * Aborts when the job is cancelled (from any process), times out, loses its lease, or the worker
   * shuts down; `signal.reason` is a `JobAbortedError` whose `kind`/`code` says which.
   */
  signal: AbortSignal;
  /** This attempt, 1-based. */
  attempt: number;
  workerId: string;
  /**
   * Stores progress (shown by `job.status()`, emitted as `job:progress`). Throws `ValidationError`
   * (path under `progress`, nothing written) for a bad update, and `LeaseLostError` (and aborts
   * the signal) when the job is no longer this worker's.
   */
  progress(update: ProgressUpdate): Promise<void>;
}

const progressSchema = z
  .object({
    percent: z.number().finite().min(0).max(100).optional(),
    stage: storableText(200, 0).optional(),
    data: z.unknown().optional(),
  })
  .strict();

/** What a context needs from its worker. @internal */
export interface ContextHost {
  id: string;
  webhooks: Pick<WebhookHooks, 'progress'>;
  queue: Pick<Queue<unknown, unknown>, 'storage' | 'clock' | 'emit'>;
}

/**
 * Builds a handler's context. Progress updates are written one after another, in call order, even
 * when the handler does not await them: the last update reported is the one stored, and
 * `job:progress` events come in the same order, on every storage (a pool of connections would
 * otherwise apply overlapping writes in any order).
 * @internal
 */
export function makeContext(worker: ContextHost, attempt: ActiveAttempt): HandlerContext {
  const job = attempt.record;
  let last: Promise<unknown> = Promise.resolve();
  const write = async (progress: Omit<JobProgress, 'updatedAt'>): Promise<void> => {
    const queue = worker.queue;
    try {
      const rec = await queue.storage.reportProgress({ queue: job.queue, id: job.id, leaseToken: attempt.leaseToken, progress, now: queue.clock.now() });
      if (rec.progress) queue.emit('job:progress', { queue: job.queue, jobId: job.id, progress: rec.progress }, worker.id);
      worker.webhooks.progress(rec);
    } catch (err) {
      if (err instanceof LeaseLostError) attempt.abort('lease-lost');
      throw err;
    }
  };
  return {
    get signal() {
      return attempt.signal;
    },
    attempt: job.attempt,
    workerId: worker.id,
    progress(update: ProgressUpdate): Promise<void> {
      try {
        const p = parseOptions(progressSchema, update, 'progress', ['progress']);
        if (p.data !== undefined) checkJsonValue(p.data, ['progress', 'data'], 'progress');
        const written = last.then(() => write({ percent: p.percent ?? null, stage: p.stage ?? null, data: p.data }));
        last = written.catch(() => undefined);
        return written;
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
}
