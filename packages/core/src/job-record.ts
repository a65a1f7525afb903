/**
 * The stored shape of a job, shared by core and every storage. All times are milliseconds since
 * the Unix epoch.
 * @module
 */
import type { JobState } from './state.js';

/** A job's id: unique across every queue of one storage. */
export type JobId = string;

/** The last progress a running job reported. */
export interface JobProgress {
  /** 0 to 100, or null when the handler only reported a stage. */
  percent: number | null;
  /** A short name for the step in progress, e.g. `'transcribe'`. */
  stage: string | null;
  /** Any JSON-serialisable detail the handler attached. */
  data?: unknown;
  updatedAt: number;
}

/** What is kept of an error a job's attempt ended with. */
export interface JobErrorInfo {
  name: string;
  message: string;
  /** The `code` of a {@link WaitlineError}, when the error carried one. */
  code?: string;
  stack?: string;
  /** The attempt (1-based) that ended with this error. */
  attempt: number;
  at: number;
}

/**
 * A serialisable backoff description stored with the job. `custom` backoffs keep their function in
 * the queue's options in code; the job only records that the queue's function decides.
 */
export type BackoffSpec =
  | { kind: 'fixed'; delayMs: number }
  | { kind: 'exponential'; baseMs: number; maxMs: number; jitter: number }
  | { kind: 'list'; delaysMs: number[] }
  | { kind: 'custom' };

/** What a webhook can be told about a job: see `docs/webhooks.md`. */
export type WebhookEvent = 'progress' | 'completed' | 'failed' | 'cancelled';

/**
 * A job's webhook subscription as stored with the job (so it outlives the process that added it),
 * resolved from the add's `webhook` option or the queue's default. Core validated it: `url` is an
 * absolute http: or https: URL without credentials, `events` a non-empty list without repeats.
 */
export interface WebhookSubscription {
  /** Where deliveries are POSTed. */
  url: string;
  /** The events delivered; the others are not. */
  events: WebhookEvent[];
  /** Sent as `Authorization: Bearer <token>` with each delivery, or null for no such header. */
  token: string | null;
  /** Whether deliveries carry the job's payload (they do not by default). */
  includePayload: boolean;
  /** The least time in ms between two progress deliveries of the job (the latest is sent). */
  progressIntervalMs: number;
}

/** A job as a storage keeps it. */
export interface JobRecord<Payload = unknown, Result = unknown> {
  id: JobId;
  queue: string;
  /** The job's kind inside its queue; duration statistics are kept per name. */
  name: string;
  payload: Payload;
  state: JobState;
  /** Higher runs first; see the ordering rule in `ordering.ts`. */
  priority: number;
  /** When the job becomes ready: its add time, its delay's end, or its retry time. */
  runAt: number;
  /** Insertion order inside the storage, assigned by the storage; breaks ties in the ordering rule. */
  seq: number;
  /**
   * Attempts started so far; 0 until the first claim. An attempt whose lease expired within the
   * queue's `maxStalls` is handed back (the counter goes back down), like one released at shutdown.
   */
  attempt: number;
  maxAttempts: number;
  /**
   * How many times this job's lease expired under a worker that stopped renewing it (crashed,
   * killed, cut off from the storage); `retry()` by hand resets it to 0. Compared with the queue's
   * `maxStalls` to decide whether a stall costs an attempt.
   */
  stalls: number;
  backoff: BackoffSpec | null;
  timeoutMs: number | null;
  /** A positive amount of work (audio seconds, pages) the ETA scales by, or null. */
  size: number | null;
  idempotencyKey: string | null;
  createdAt: number;
  /** When the current (or last) attempt started. */
  startedAt: number | null;
  /** When the job reached a final state. */
  finishedAt: number | null;
  /** Held while `running`: the owner's proof, checked by every transition out of `running`. */
  leaseToken: string | null;
  leaseExpiresAt: number | null;
  /** The worker that holds (or last held) the lease. */
  workerId: string | null;
  /**
   * Set when `cancel()` reached a running job; its worker aborts the handler and settles it
   * `cancelled`. It stays set on a job whose handler returned before the abort took effect, which
   * ends `completed`: such a record says the cancel came, and came too late.
   */
  cancelRequested: boolean;
  progress: JobProgress | null;
  result: Result | null;
  /** The error the last failed attempt ended with. */
  error: JobErrorInfo | null;
  /**
   * The W3C trace context (`traceparent` header value) of the add that created the job, or the one
   * given in its options; null when there was none. Every attempt's span is a child of it, so a
   * job's work joins the trace of the request that added it (see `tracing.ts`).
   */
  traceparent: string | null;
  /**
   * The job's webhook subscription, or null when it has none. Stored with the job and returned
   * unchanged by every read; the processes that move the job to a new state read it from here to
   * enqueue deliveries (see `webhooks/`).
   */
  webhook: WebhookSubscription | null;
  /**
   * The group (tenant) the job belongs to, or null for none. Within one priority level the queue
   * takes groups in turns (see `group-rotation.ts`), so one group's backlog cannot hold back
   * another group's jobs. Ungrouped jobs of a grouped queue take turns together as one group.
   */
  group: string | null;
}

/** A job ready to be written by `Storage.enqueue`: validated, with every default resolved. */
export interface NewJob {
  id: JobId;
  name: string;
  payload: unknown;
  priority: number;
  runAt: number;
  maxAttempts: number;
  backoff: BackoffSpec | null;
  timeoutMs: number | null;
  size: number | null;
  idempotencyKey: string | null;
  /** A valid W3C `traceparent` (validated by core), or null. */
  traceparent: string | null;
  /** The job's webhook subscription as core validated and resolved it, or null. */
  webhook: WebhookSubscription | null;
  /** The job's group as core validated it (see {@link JobRecord.group}); null or absent for none. */
  group?: string | null | undefined;
}
