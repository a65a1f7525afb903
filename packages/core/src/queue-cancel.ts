/**
 * `Queue.cancel`: the storage's cancel, then what only a cancel that moved the job may do.
 * @module
 * @internal
 */
import type { Clock } from './clock.js';
import type { JobId, JobRecord } from './job-record.js';
import type { QueueListeners } from './queue-listeners.js';
import type { Storage } from './storage.js';
import { announceOutcome } from './webhooks/outbox.js';

/** The part of a `Queue` a cancel uses. @internal */
export interface CancelHost {
  readonly storage: Storage;
  readonly name: string;
  readonly clock: Clock;
  emit: QueueListeners['emit'];
}

/**
 * Cancels job `id` of `host`: a queued job ends `cancelled` here, which emits `job:cancelled` and
 * enqueues its webhook's `cancelled` delivery; a running one is asked to stop (its worker ends
 * it). A job cancelled before comes back as it was, finished at an earlier time: nothing is
 * emitted or delivered again, even once its first delivery was cleaned away. The storage does
 * not say whether this call made the transition, so two cancels in one millisecond of the clock
 * both count as the one that did (`job:cancelled` twice; the delivery's idempotency key keeps
 * it to one while the first is stored). @internal
 */
export async function cancelJob(host: CancelHost, id: JobId): Promise<JobRecord> {
  const now = host.clock.now();
  const rec = await host.storage.cancel({ queue: host.name, id, now });
  if (rec.state === 'cancelled' && rec.finishedAt === now) {
    host.emit('job:cancelled', { queue: host.name, jobId: rec.id });
    await announceOutcome(host.storage, rec, now);
  } else if (rec.state === 'running') {
    host.storage.notifier?.publish({ queue: rec.queue, kind: 'cancel', jobId: rec.id });
  }
  return rec;
}
