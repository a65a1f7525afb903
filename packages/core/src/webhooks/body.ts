/**
 * What a webhook delivery says: the JSON body a receiver gets, and the delivery job that carries
 * it through the internal queue {@link WEBHOOK_QUEUE}.
 * @module
 */
import type { Eta } from '../eta.js';
import type { JobId, JobProgress, JobRecord, WebhookEvent } from '../job-record.js';
import type { JobState } from '../state.js';

/**
 * The internal queue whose jobs are webhook deliveries. Run its worker with
 * `startWebhookDelivery`; its jobs can be listed, retried and cleaned like any other queue's.
 */
export const WEBHOOK_QUEUE = 'waitline.webhooks';

/** The error of a `failed` delivery body: the job's last error, without its stack. */
export interface WebhookError {
  /** The error's class name, e.g. `'Error'` or `'LeaseExpiredError'`. */
  name: string;
  /** Its message. */
  message: string;
  /** The `code` of a Waitline error, when it had one (e.g. `'LEASE_LOST'`). */
  code?: string;
  /** The attempt (1-based) that ended with it. */
  attempt: number;
  /** When it happened, ms since the epoch. */
  at: number;
}

/** The JSON body of one webhook delivery. Times are ms since the Unix epoch. */
export interface WebhookPayload {
  /**
   * The delivery's id, the same on every retry of one delivery: what a receiver deduplicates on.
   * It is inside the signed body, so a replayed request cannot pass under a new id (the
   * `waitline-delivery` header carries the same value, unsigned).
   */
  deliveryId: string;
  /** What happened. */
  event: WebhookEvent;
  /** The job it happened to. */
  jobId: JobId;
  /** The job's queue. */
  queue: string;
  /** The job's name (its kind inside the queue). */
  name: string;
  /** The job's state right after the event: `running` for progress, else the final state. */
  state: JobState;
  /** The job's last progress (for a final event: the progress it last reported), or null. */
  progress: JobProgress | null;
  /** The job's attempt (1-based; 0 for a job cancelled before it ever ran). */
  attempt: number;
  /** The attempts it may have in all. */
  maxAttempts: number;
  /** The error that failed the job: set for `failed`, null otherwise. */
  error: WebhookError | null;
  /** When the event happened: the progress report's time, or the job's finish time. */
  time: number;
  /** The job's 1-based position among ready jobs while it waits; null once it runs or ended. */
  position: number | null;
  /** The job's ETA when the event happened (running jobs: the time left); null for final events. */
  eta: Eta | null;
  /** The job's payload, only when the subscription has `includePayload`. */
  payload?: unknown;
}

/** The payload of one delivery job of {@link WEBHOOK_QUEUE}: what to send, and where. */
export interface WebhookDeliveryJob {
  /** Where to POST. */
  url: string;
  /** The bearer token, or null. */
  token: string | null;
  /** The event, also sent in the `Waitline-Event` header. */
  event: WebhookEvent;
  /** The body, serialised at send time with the delivery job's id as its `deliveryId`. */
  body: Omit<WebhookPayload, 'deliveryId'>;
}

/** The event a job's state is the outcome of, or null for a state that is not final. @internal */
export function outcomeEvent(state: JobState): WebhookEvent | null {
  return state === 'completed' || state === 'failed' || state === 'cancelled' ? state : null;
}

/** Where a job stood when the event happened, as a status read gives it. @internal */
export interface Standing {
  position: number | null;
  eta: Eta | null;
}

/** Copies of a progress and an error that JSON carries exactly (no undefined field, no stack). */
function plainProgress(p: JobProgress | null): JobProgress | null {
  if (p === null) return null;
  const copy: JobProgress = { percent: p.percent, stage: p.stage, updatedAt: p.updatedAt };
  if (p.data !== undefined) copy.data = p.data;
  return copy;
}

function plainError(job: JobRecord): WebhookError | null {
  const e = job.error;
  if (job.state !== 'failed' || e === null) return null;
  const copy: WebhookError = { name: e.name, message: e.message, attempt: e.attempt, at: e.at };
  if (e.code !== undefined) copy.code = e.code;
  return copy;
}

/** The body of the delivery of `event` for `job` as it is now. @internal */
export function deliveryBody(job: JobRecord, event: WebhookEvent, standing: Standing, now: number): Omit<WebhookPayload, 'deliveryId'> {
  const body: Omit<WebhookPayload, 'deliveryId'> = {
    event,
    jobId: job.id,
    queue: job.queue,
    name: job.name,
    state: job.state,
    progress: plainProgress(job.progress),
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    error: plainError(job),
    time: (event === 'progress' ? job.progress?.updatedAt : job.finishedAt) ?? now,
    position: standing.position,
    eta: standing.eta,
  };
  if (job.webhook?.includePayload) body.payload = job.payload;
  return body;
}

/** What a masked secret shows in its place. */
export const MASKED_SECRET = '***';

/**
 * The job as an operator's view may show it: the receiver's bearer token replaced by
 * {@link MASKED_SECRET} wherever the job keeps one: its `webhook` subscription and, for a delivery
 * job of {@link WEBHOOK_QUEUE}, the payload's `token`. Everything else is as stored; the job given
 * is not changed. Listings, the CLI and the admin API show jobs through it.
 */
export function maskJobSecrets<T extends Pick<JobRecord, 'queue' | 'payload' | 'webhook'>>(job: T): T {
  let shown = job;
  if (job.webhook?.token) shown = { ...shown, webhook: { ...job.webhook, token: MASKED_SECRET } };
  const payload = job.payload as Partial<WebhookDeliveryJob> | null;
  if (job.queue === WEBHOOK_QUEUE && typeof payload?.token === 'string') shown = { ...shown, payload: { ...payload, token: MASKED_SECRET } };
  return shown;
}
