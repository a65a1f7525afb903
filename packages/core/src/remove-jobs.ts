/**
 * Removal in batches, once for every storage: `Queue.clear()` and `Queue.clean()` (and tools that
 * empty a queue) call the storage's `removeJobs` for one bounded batch at a time, yielding to the
 * event loop between batches, so a queue of a million finished jobs is removed without one long
 * write lock (SQLite), one huge transaction (Postgres) or one slow script (Redis).
 * @module
 */
import { ValidationError } from './errors.js';
import type { Storage } from './storage.js';
import type { RemoveParams } from './storage-params.js';

/** Jobs removed per storage call when the storage names no batch of its own (`capabilities.pruneBatch`). */
export const REMOVE_BATCH = 1_000;

/**
 * Throws `ValidationError` (path `['states']`) when `running` is among the states: a running job
 * belongs to its worker and is cancelled, never removed. Every storage's `removeJobs` calls it
 * before writing anything.
 */
export function checkRemovableStates(p: Pick<RemoveParams, 'states'>): void {
  if ((p.states as string[]).includes('running')) {
    const message = 'removeJobs never removes running jobs: cancel them instead';
    throw new ValidationError(message, [{ path: ['states'], message }]);
  }
}

/**
 * Removes every job `p` selects, in batches of the storage's `pruneBatch` (else
 * {@link REMOVE_BATCH}), each batch one atomic storage call, until a batch comes back short;
 * returns how many in all. Not atomic as a whole: a job added meanwhile that `p` selects may be
 * removed too, and a failure after some batches leaves those removed.
 */
export async function removeJobsInBatches(storage: Storage, p: Omit<RemoveParams, 'limit'>): Promise<number> {
  checkRemovableStates(p);
  const limit = storage.capabilities.pruneBatch ?? REMOVE_BATCH;
  let total = 0;
  for (;;) {
    const removed = await storage.removeJobs({ ...p, limit });
    total += removed;
    if (removed < limit) return total;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
