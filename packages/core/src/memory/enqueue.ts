/**
 * Adding jobs in memory: ids unique per storage, idempotency keys per queue, the draining and
 * `maxSize` checks, all decided before anything is written.
 * @module
 * @internal
 */
import { type AdmissionSource, GroupFullError, QueueDrainingError, QueueFullError, ValidationError } from '../errors.js';
import type { JobRecord, NewJob } from '../job-record.js';
import { queuedRecord } from '../new-job.js';
import type { EnqueueParams, EnqueueResult } from '../storage.js';
import { asStored, copyJob } from './copy.js';
import { ensureQueue } from './queues.js';
import type { MemoryStore } from './store.js';

/** One job of a batch: a new record to write, or the stored job its idempotency key names. */
type Planned = { write: JobRecord } | { existing: JobRecord };

function duplicateId(id: string): ValidationError {
  const message = `a job with id "${id}" already exists`;
  return new ValidationError(message, [{ path: ['id'], message }]);
}

/** The stored job of the queue holding `key`, or the one planned earlier in this batch. */
function keyHolder(store: MemoryStore, p: EnqueueParams, key: string | null, planned: Map<string, JobRecord>): JobRecord | undefined {
  if (key === null) return undefined;
  const id = store.queueJobs(p.queue).keys.get(key);
  return id === undefined ? planned.get(key) : store.jobs.get(id);
}

/** Decides every job of the batch; throws (writing nothing) on a repeated id or an unstorable value. */
function plan(store: MemoryStore, p: EnqueueParams): Planned[] {
  const ids = new Set<string>();
  const byKey = new Map<string, JobRecord>();
  return p.jobs.map((job: NewJob): Planned => {
    const existing = keyHolder(store, p, job.idempotencyKey, byKey);
    if (existing !== undefined) return { existing };
    if (store.jobs.has(job.id) || ids.has(job.id)) throw duplicateId(job.id);
    ids.add(job.id);
    const record = queuedRecord(p.queue, { ...job, backoff: asStored(job.backoff) }, 0, p.now, asStored(job.payload));
    if (record.idempotencyKey !== null) byKey.set(record.idempotencyKey, record);
    return { write: record };
  });
}

/** Throws `QueueDrainingError` or `QueueFullError` when the queue refuses `adding` new jobs. */
function checkRoom(store: MemoryStore, queue: string, adding: number, source: AdmissionSource = 'add'): void {
  const config = store.queues.get(queue);
  if (config === undefined) return;
  if (config.draining) throw new QueueDrainingError(queue);
  if (config.maxSize !== null && adding > 0 && store.queueJobs(queue).waiting.size + adding > config.maxSize) {
    throw new QueueFullError(queue, config.maxSize, source);
  }
}

/**
 * Throws what an add of the job would throw for want of room: a retry by hand puts a finished job
 * back among the waiting ones, so a draining queue, a full queue or a full group refuses it.
 * @internal
 */
export function checkReadmission(store: MemoryStore, queue: string, group: string | null): void {
  checkRoom(store, queue, 1, 'retry');
  const max = store.queues.get(queue)?.groupMaxWaiting ?? null;
  if (max !== null && group !== null && store.queueJobs(queue).groups.queuedOf(group) + 1 > max) {
    throw new GroupFullError(queue, group, max, 0, 'retry');
  }
}

/** Throws `GroupFullError` when a named group's new jobs would take it past `groupMaxWaiting`. */
function checkGroups(store: MemoryStore, queue: string, planned: readonly Planned[]): void {
  const max = store.queues.get(queue)?.groupMaxWaiting ?? null;
  if (max === null) return;
  const adding = new Map<string, number>();
  for (const [index, x] of planned.entries()) {
    const group = 'write' in x ? x.write.group : null;
    if (group === null) continue;
    const count = (adding.get(group) ?? store.queueJobs(queue).groups.queuedOf(group)) + 1;
    if (count > max) throw new GroupFullError(queue, group, max, index);
    adding.set(group, count);
  }
}

/**
 * Writes every job of `p` or none: a taken idempotency key returns the stored job
 * (`inserted[i] = false`) and counts nothing against `maxSize`; a repeated or stored id throws
 * `ValidationError`; a draining queue throws `QueueDrainingError`, a full one `QueueFullError`,
 * and a group past `groupMaxWaiting` `GroupFullError`.
 * Creates a missing queue with the defaults when it writes. @internal
 */
export function enqueueJobs(store: MemoryStore, p: EnqueueParams): EnqueueResult {
  if (p.jobs.length === 0) return { jobs: [], inserted: [] };
  const config = store.queues.get(p.queue);
  if (config?.draining) throw new QueueDrainingError(p.queue);
  const planned = plan(store, p);
  checkRoom(store, p.queue, planned.filter((x) => 'write' in x).length);
  checkGroups(store, p.queue, planned);
  ensureQueue(store, p.queue);
  const jobs: JobRecord[] = [];
  for (const x of planned) {
    if ('write' in x) {
      x.write.seq = store.nextSeq();
      store.insert(x.write);
    }
    jobs.push(copyJob('write' in x ? x.write : x.existing));
  }
  return { jobs, inserted: planned.map((x) => 'write' in x) };
}
