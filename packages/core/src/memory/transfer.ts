/**
 * Importing whole jobs into memory (an import or a move): conflicts decided by core's
 * `planImport`, every record built before anything is written, then the replaced jobs removed and
 * the new ones stored with fresh seqs in the call's order.
 * @module
 * @internal
 */
import type { JobRecord } from '../job-record.js';
import type { ImportJobsParams, ImportJobsResult, TransferJob } from '../storage.js';
import { planImport, type StoredConflict } from '../transfer/plan.js';
import { asStored } from './copy.js';
import { ensureQueue } from './queues.js';
import type { MemoryStore } from './store.js';

function conflictOf(job: JobRecord): StoredConflict {
  return { id: job.id, queue: job.queue, state: job.state, idempotencyKey: job.idempotencyKey };
}

/** Every stored job the call meets: by id in any queue, by idempotency key in its queue. */
function storedConflicts(store: MemoryStore, p: ImportJobsParams): StoredConflict[] {
  const keys = store.queueJobs(p.queue).keys;
  const met = new Map<string, JobRecord>();
  for (const job of p.jobs) {
    const byId = store.jobs.get(job.id);
    if (byId) met.set(byId.id, byId);
    const keyId = job.idempotencyKey === null ? undefined : keys.get(job.idempotencyKey);
    const byKey = keyId === undefined ? undefined : store.jobs.get(keyId);
    if (byKey) met.set(byKey.id, byKey);
  }
  return [...met.values()].map(conflictOf);
}

/** The stored form of an imported job (seq set when written); throws for a value JSON cannot carry. */
function toRecord(queue: string, job: TransferJob): JobRecord {
  const stored = asStored(job) as TransferJob;
  return { ...stored, queue, seq: 0, leaseToken: null, leaseExpiresAt: null, workerId: null };
}

/** Writes an import call, all or none (see `ImportJobsParams`). @internal */
export function importJobs(store: MemoryStore, p: ImportJobsParams): ImportJobsResult {
  if (p.jobs.length === 0) return { imported: 0, skipped: 0, replaced: 0 };
  const plan = planImport(p.queue, p.jobs, storedConflicts(store, p), p.onConflict);
  const records = plan.writes.map(({ job }) => toRecord(p.queue, job));
  ensureQueue(store, p.queue);
  for (const id of plan.removes) {
    const stored = store.jobs.get(id);
    if (stored) store.delete(stored);
  }
  for (const record of records) {
    record.seq = store.nextSeq();
    store.insert(record);
  }
  return { imported: records.length, skipped: plan.skipped, replaced: plan.replaced };
}
