/**
 * The conflict rules of an import, decided once for every storage that can read the stored jobs
 * an import call meets before writing (SQLite, Postgres): which imported jobs are written, which
 * stored jobs they replace, and when the call must fail.
 * @module
 */
import { ImportConflictError, type ImportConflictInfo } from '../errors.js';
import type { JobState } from '../state.js';
import type { ImportConflictMode, TransferJob } from '../storage.js';

/** A stored job an import call may conflict with: same id (any queue), or same key in the queue. */
export interface StoredConflict {
  /** The stored job's id. */
  id: string;
  /** Its queue (another queue's job conflicts by id only). */
  queue: string;
  /** Its state: a running job is never replaced. */
  state: JobState;
  /** Its idempotency key, or null. */
  idempotencyKey: string | null;
}

/** What a storage writes for one import call, decided by {@link planImport}. */
export interface ImportPlan {
  /** The jobs to write, in the call's order, with their index in it. */
  writes: Array<{ index: number; job: TransferJob }>;
  /** Stored job ids to remove first (replaced). */
  removes: string[];
  /** Jobs of the call left out (`skip`). */
  skipped: number;
  /** Jobs of the call written in place of a stored job (`replace`). */
  replaced: number;
}

interface Holder extends StoredConflict {
  /** Index in the call when the holder is an earlier job of the same call (not stored yet). */
  pending?: number;
}

/**
 * Decides an import call from the stored jobs it meets (`stored`: every stored job with one of the
 * call's ids, and every job of `queue` with one of its idempotency keys). Jobs are taken in order,
 * an earlier job of the call counting as stored for a later one. Throws `ImportConflictError`
 * (the storage then writes nothing) on a conflict with `fail`, or when `replace` meets a running job
 * or another queue's job.
 */
export function planImport(queue: string, jobs: readonly TransferJob[], stored: readonly StoredConflict[], mode: ImportConflictMode): ImportPlan {
  const byId = new Map<string, Holder>();
  const byKey = new Map<string, Holder>();
  const hold = (h: Holder) => {
    byId.set(h.id, h);
    if (h.idempotencyKey !== null && h.queue === queue) byKey.set(h.idempotencyKey, h);
  };
  for (const s of stored) hold(s);
  const pending = new Map<number, TransferJob>();
  const plan: ImportPlan = { writes: [], removes: [], skipped: 0, replaced: 0 };
  jobs.forEach((job, index) => {
    const met = conflictsOf(job, byId, byKey);
    if (met.length > 0 && mode === 'skip') {
      plan.skipped += 1;
      return;
    }
    for (const { holder, by } of met) {
      if (mode === 'fail' || holder.state === 'running') throw conflictError(queue, job, index, by, holder, mode === 'fail' ? 'exists' : 'running');
      // An import writes one queue: another queue's job is never removed to make room.
      if (holder.queue !== queue) throw conflictError(queue, job, index, by, holder, 'other-queue');
    }
    if (met.some(({ holder }) => holder.pending === undefined)) plan.replaced += 1;
    for (const { holder } of met) {
      byId.delete(holder.id);
      if (holder.idempotencyKey !== null && byKey.get(holder.idempotencyKey) === holder) byKey.delete(holder.idempotencyKey);
      if (holder.pending === undefined) plan.removes.push(holder.id);
      else pending.delete(holder.pending);
    }
    pending.set(index, job);
    hold({ id: job.id, queue, state: job.state, idempotencyKey: job.idempotencyKey, pending: index });
  });
  for (const [index, job] of pending) plan.writes.push({ index, job });
  return plan;
}

function conflictsOf(job: TransferJob, byId: Map<string, Holder>, byKey: Map<string, Holder>) {
  const met: Array<{ holder: Holder; by: 'id' | 'idempotencyKey' }> = [];
  const sameId = byId.get(job.id);
  if (sameId !== undefined) met.push({ holder: sameId, by: 'id' });
  const sameKey = job.idempotencyKey === null ? undefined : byKey.get(job.idempotencyKey);
  if (sameKey !== undefined && sameKey !== sameId) met.push({ holder: sameKey, by: 'idempotencyKey' });
  return met;
}

function conflictError(queue: string, job: TransferJob, index: number, by: 'id' | 'idempotencyKey', holder: Holder, reason: ImportConflictInfo['reason']) {
  const info: ImportConflictInfo = { queue, jobId: job.id, index, by, existingId: holder.id, existingState: holder.state, reason };
  if (holder.queue !== queue) info.existingQueue = holder.queue;
  return new ImportConflictError(info);
}
