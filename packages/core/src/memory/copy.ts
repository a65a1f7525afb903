/**
 * What goes into and out of a `MemoryStorage`: values are stored as JSON would carry them (as the
 * real storages store them), and every record handed out is a deep copy, so a caller mutating it
 * never changes the store.
 * @module
 * @internal
 */
import type { JobRecord } from '../job-record.js';
import type { QueueConfig } from '../storage.js';
import type { WorkerInfo } from '../storage-reads.js';

/**
 * `value` as it reads back after a JSON round trip (undefined becomes null), like a storage that
 * keeps it in a JSON column. Throws when JSON cannot carry it (a BigInt, a cycle): the caller
 * checks every value before it writes anything.
 * @internal
 */
export function asStored<T>(value: T | undefined): T | null {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as T);
}

/** A deep copy of a value that holds only JSON data (every stored value does). */
function clone<T>(value: T): T {
  return value === null || typeof value !== 'object' ? value : structuredClone(value);
}

/** A copy of a stored job that shares nothing with it. @internal */
export function copyJob(job: JobRecord): JobRecord {
  return {
    ...job,
    payload: clone(job.payload),
    backoff: clone(job.backoff),
    progress: clone(job.progress),
    result: clone(job.result),
    error: clone(job.error),
  };
}

/** A copy of a stored queue configuration. @internal */
export function copyConfig(config: QueueConfig): QueueConfig {
  const { rateLimit, groupRateLimit, ...rest } = config;
  return { ...rest, ...(rateLimit ? { rateLimit: { ...rateLimit } } : {}), ...(groupRateLimit ? { groupRateLimit: { ...groupRateLimit } } : {}) };
}

/** A copy of a stored worker. @internal */
export function copyWorker(worker: WorkerInfo): WorkerInfo {
  return { ...worker };
}
