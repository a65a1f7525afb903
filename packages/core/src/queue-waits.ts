/**
 * What `Queue.finished` and `Queue.whenIdle` wait on: a storage read re-run whenever an event
 * (this process's, or one the storage's notifier relays) says it may have changed, and at a poll
 * interval besides, since notices are best-effort.
 * @module
 */
import { JobFailedError, JobNotFoundError } from './errors.js';
import type { JobId } from './job-record.js';
import type { WaitlineEventName } from './events.js';
import { isFinalState } from './state.js';
import type { Storage } from './storage.js';
import { waitUntil } from './wait.js';
import { subscribeWakeups, type WakeSource } from './wakeups.js';

/** The part of a queue a wait reads. @internal */
export interface WaitHost {
  storage: Storage;
  name: string;
  source: WakeSource;
}

/** Validated wait options: as `parseWaitOptions` returns them. @internal */
export interface WaitSettings {
  timeoutMs?: number | undefined;
  pollMs?: number | undefined;
}

const FINAL_EVENTS: WaitlineEventName[] = ['job:completed', 'job:failed', 'job:cancelled', 'job:stalled'];

/** Resolves with the job's result once it completes; rejects with `JobFailedError` when it fails or is cancelled. @internal */
export async function waitFinished<Result>(host: WaitHost, jobId: JobId, wait: WaitSettings): Promise<Result> {
  const record = await waitUntil(
    async () => {
      const rec = await host.storage.getJob({ queue: host.name, id: jobId });
      if (!rec) throw new JobNotFoundError(jobId);
      return isFinalState(rec.state) ? rec : undefined;
    },
    {
      pollMs: wait.pollMs ?? 500,
      timeoutMs: wait.timeoutMs,
      what: `job "${jobId}" to finish`,
      subscribe: (wake) =>
        subscribeWakeups(
          host.source,
          FINAL_EVENTS,
          (p) => (p as { jobId?: JobId }).jobId === jobId,
          (n) => n.jobId === jobId,
          wake,
        ),
    },
  );
  if (record.state === 'completed') return record.result as Result;
  const state = record.state as 'failed' | 'cancelled';
  const why = record.error ? `: ${record.error.message}` : '';
  throw new JobFailedError(jobId, state, `job "${jobId}" ended ${state}${why}`);
}

/** Resolves once nothing is queued or running in the queue. @internal */
export async function waitIdle(host: WaitHost, wait: WaitSettings): Promise<void> {
  const idleEvents: WaitlineEventName[] = ['job:completed', 'job:failed', 'job:cancelled', 'queue:drained'];
  await waitUntil(
    async () => {
      const page = await host.storage.listJobs({ queue: host.name, states: ['queued', 'running'], limit: 1 });
      return page.items.length === 0 ? true : undefined;
    },
    {
      pollMs: wait.pollMs ?? 200,
      timeoutMs: wait.timeoutMs,
      what: `queue "${host.name}" to be idle`,
      subscribe: (wake) =>
        subscribeWakeups(
          host.source,
          idleEvents,
          () => true,
          () => false,
          wake,
        ),
    },
  );
}
