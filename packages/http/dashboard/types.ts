/**
 * The JSON shapes the dashboard and the status page read, as docs/http.md specifies them. Core's
 * types are imported as types only (erased from the bundle); the HTTP-only shapes are written here.
 * @module
 */
import type { Eta, JobProgress, JobRecord, JobState, QueueConfig, QueueStats } from '@waitline/core';

export type { Eta, JobProgress, JobState, QueueConfig, QueueStats };

/** A stored job as the admin routes answer it: without its lease token, with `position` and `eta` when queued. */
export interface AdminJob extends Omit<JobRecord, 'leaseToken'> {
  position: number | null;
  eta: Eta | null;
}

/** `GET /queues/:queue/jobs`. */
export interface JobsPage {
  jobs: AdminJob[];
  nextCursor: string | null;
}

/** One minute of `GET /queues/:queue/history`. */
export interface HistoryBucket {
  at: number;
  completed: number;
  failed: number;
  waitMs: { p50: number | null; p95: number | null };
  runMs: { p50: number | null; p95: number | null };
}

/** A wait this process told a user, against the wait the job really had. */
export interface Prediction {
  jobId: string;
  at: number;
  predictedWaitMs: number | null;
  realWaitMs: number | null;
}

/** `GET /queues/:queue/history`. */
export interface History {
  queue: string;
  bucketMs: number;
  buckets: HistoryBucket[];
  predictions: Prediction[];
}

/** The error exposed with a job's public status when the queue's `expose` allows it. */
export interface PublicError {
  name: string;
  message: string;
  code?: string;
}

/** `GET /jobs/:queue/:id` and the `status` events of its stream. */
export interface PublicJobStatus {
  id: string;
  queue: string;
  name: string;
  state: JobState;
  scheduled: boolean;
  position: number | null;
  eta: Eta | null;
  progress: JobProgress | null;
  attempt: number;
  maxAttempts: number;
  priority: number;
  runAt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelRequested: boolean;
  error?: PublicError | null;
}

/** The states the finished-jobs list can show. */
export type FinishedState = 'failed' | 'cancelled' | 'completed';
