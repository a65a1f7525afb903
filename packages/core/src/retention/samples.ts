/**
 * The ETA samples kept apart from jobs: when finished jobs are pruned (retention or `clean`), the
 * fields an ETA learns from are kept in a small per-queue store, and the recent-samples read takes
 * the newest of finished jobs and kept samples together. Shared by the storages that merge in code.
 * @module
 */
import type { JobRecord } from '../job-record.js';
import type { FinishedSample } from '../storage-reads.js';

/** A sample with the `seq` of the job it came from, which breaks ties of `finishedAt`. */
export interface KeptSample extends FinishedSample {
  seq: number;
}

/** Newest first: by `finishedAt`, then `seq`, both descending. */
function newestFirst(a: KeptSample, b: KeptSample): number {
  return b.finishedAt - a.finishedAt || b.seq - a.seq;
}

/** The job's sample when an ETA reads it (completed or failed, and it ever started); null otherwise. */
export function sampleOfJob(job: JobRecord): KeptSample | null {
  if ((job.state !== 'completed' && job.state !== 'failed') || job.startedAt === null || job.finishedAt === null) return null;
  const { name, state, priority, size, createdAt, runAt, startedAt, finishedAt, seq } = job;
  return { name, state, priority, size, createdAt, runAt, startedAt, finishedAt, seq };
}

/** The newest `limit` of `samples`, newest first (ties by `seq`); a new array. */
export function newestSamples(samples: Iterable<KeptSample>, limit: number): KeptSample[] {
  return [...samples].sort(newestFirst).slice(0, Math.max(0, limit));
}

/** The newest `limit` of finished jobs' samples and kept samples together, without `seq`. */
export function mergeRecentSamples(fromJobs: Iterable<KeptSample>, kept: Iterable<KeptSample>, limit: number): FinishedSample[] {
  return newestSamples([...fromJobs, ...kept], limit).map(({ seq: _seq, ...sample }) => sample);
}
