/**
 * What each audience sees of a job: the public status hides payload, result and error text unless
 * the queue's `expose` entry allows them; the admin view hides only the lease token.
 * @module
 */
import { type Eta, type JobRecord, type JobStatus, maskJobSecrets } from '@waitline/core';
import type { z } from 'zod';
import type { AdminJobSchema, PublicJobStatusSchema } from './schemas.js';

/** What a queue shows of its jobs on the public status routes; everything is hidden by default. */
export interface ExposeOptions {
  /** The job's payload. */
  payload?: boolean | undefined;
  /** A completed job's result. */
  result?: boolean | undefined;
  /** A failed job's error name, message and code (never its stack). */
  error?: boolean | undefined;
  /** The free-form `data` of progress updates (percent and stage are always shown). */
  progressData?: boolean | undefined;
}

/** The public status of a job (see docs/http.md). */
export type PublicJobStatus = z.infer<typeof PublicJobStatusSchema>;

/** A stored job as the admin API shows it. */
export type AdminJob = z.infer<typeof AdminJobSchema>;

/** Projects a core status to what anyone with the job's id may read. */
export function toPublicStatus(status: JobStatus, payload: unknown, expose: ExposeOptions): PublicJobStatus {
  const progress = status.progress
    ? {
        percent: status.progress.percent,
        stage: status.progress.stage,
        updatedAt: status.progress.updatedAt,
        ...(expose.progressData && status.progress.data !== undefined ? { data: status.progress.data } : {}),
      }
    : null;
  const out: PublicJobStatus = {
    id: status.id,
    queue: status.queue,
    name: status.name,
    state: status.state,
    scheduled: status.scheduled,
    position: status.position,
    eta: status.eta,
    progress,
    attempt: status.attempt,
    maxAttempts: status.maxAttempts,
    priority: status.priority,
    runAt: status.runAt,
    createdAt: status.createdAt,
    startedAt: status.startedAt,
    finishedAt: status.finishedAt,
    cancelRequested: status.cancelRequested,
  };
  if (expose.payload) out.payload = payload;
  if (expose.result) out.result = status.result;
  if (expose.error) out.error = status.error ? { name: status.error.name, message: status.error.message, code: status.error.code } : null;
  return out;
}

/**
 * Projects a stored job for the admin API; `position` and `eta` are null unless given. The job's
 * webhook subscription is left out (it holds the receiver's bearer token), and a delivery job's
 * payload shows that token masked.
 */
export function toAdminJob(record: JobRecord, position: number | null = null, eta: Eta | null = null): AdminJob {
  const { leaseToken: _token, leaseExpiresAt: _expires, seq: _seq, backoff: _backoff, timeoutMs: _timeout, webhook: _webhook, ...rest } = record;
  const { payload } = maskJobSecrets({ queue: rest.queue, payload: rest.payload, webhook: null });
  return { ...rest, payload, position, eta } as AdminJob;
}

/** True once a job can change no more. */
export function isFinal(state: string): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}
