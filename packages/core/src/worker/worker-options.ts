/**
 * What a `Worker` takes and emits: its handler's type, its options and its own events.
 * @module
 */
import type { JobRecord } from '../job-record.js';
import type { Logger } from '../logger.js';
import type { HandlerContext } from './context.js';

/** A job handler: gets the job (typed payload included) and its context; what it returns is stored as the result. */
export type Handler<Payload, Result> = (job: JobRecord<Payload, Result>, ctx: HandlerContext) => Promise<Result> | Result;

/** Options of a worker. */
export interface WorkerOptions {
  /** Jobs this worker runs at once. The queue's global `concurrency` still bounds all workers together. Default 1. */
  concurrency?: number | undefined;
  /**
   * How long a claim holds a job without a heartbeat. A crashed or killed worker's job runs again
   * on another worker about this long after the crash, plus up to half of it (the reclaim sweep's
   * period); the stall costs no attempt up to the queue's `maxStalls`. Default 5 000
   * (`DEFAULT_LEASE_MS`) when leases are renewed from the heartbeat thread: from a SIGKILL to the
   * job running on another worker took 3.7 to 6.6 s (medians 5.3 to 5.9 s) on SQLite, Postgres and
   * Redis with default options (see the README). Default 30 000 (`DEFAULT_MAIN_LEASE_MS`) when they
   * are renewed from this event loop (`heartbeat: 'main'`), where a handler that blocks the loop
   * also stops the renewals.
   */
  leaseMs?: number | undefined;
  /** How often leases (and the worker's registration) are renewed. Default a third of `leaseMs`, at most 5 000. An integer up to `MAX_TIMER_MS`. */
  heartbeatMs?: number | undefined;
  /**
   * `thread` (default) renews from a worker thread with its own storage connection, so a handler
   * that blocks the event loop for minutes is never declared stalled. `main` renews from this
   * event loop; it is used whenever the queue has an injected clock or the storage cannot be
   * reopened from another thread (an in-memory database).
   */
  heartbeat?: 'thread' | 'main' | undefined;
  /** How often an idle worker looks for jobs when no notification wakes it. Default 500. An integer up to `MAX_TIMER_MS`. */
  pollIntervalMs?: number | undefined;
  /** How long `close()` waits for running handlers before aborting them and releasing their jobs. Default 10 000; 0 to `MAX_TIMER_MS`. */
  shutdownGraceMs?: number | undefined;
  /** How long a handler may ignore an aborted signal (timeout, cancel) before its attempt is ended for it. Default 5 000; 0 to `MAX_TIMER_MS`. */
  timeoutGraceMs?: number | undefined;
  /**
   * Jobs claimed ahead of the free slots, held by this worker and started in claim order as slots
   * free up, so a fast handler does not wait a storage round trip between jobs. Default 0 (none);
   * at most 1 000. Held jobs are `running` in the storage under this worker (their leases are
   * renewed, a crash gives them back, no other worker takes them, positions count them as
   * started); a held job's recorded run time starts when its handler starts. Only on a queue
   * without a global `concurrency` or a rate limit: there, prefetch is ignored, since a held job
   * would hold a slot of the limit without running. Jobs held when such a limit is set go back
   * unrun once the worker reads its settings again (each poll interval, 500 ms at the least); none starts
   * while the queue is paused. `close()` hands held jobs back unrun, attempt not spent. Being
   * `running`, held jobs are not waiting ones: `clear()` and `clean()` leave them, and they run,
   * as jobs already taken by a worker do on every queue (cancel one by id to stop it).
   */
  prefetch?: number | undefined;
  /** Start claiming at once. Default true. */
  autostart?: boolean | undefined;
  /** Defaults to a random id. 1-200 characters, no NUL or lone surrogate. */
  workerId?: string | undefined;
  /** Randomness for backoff jitter; tests pin it. */
  random?: (() => number) | undefined;
  /**
   * Receives the errors reported while no `error` listener is attached (storage failures,
   * heartbeat problems, rejected settles), so none is silently lost. Default: `console.warn`,
   * at most 5 lines a minute.
   */
  logger?: Logger | undefined;
}

/** Events of the worker itself (job events go to the queue). */
export interface WorkerEventMap {
  /**
   * A storage call or heartbeat failed; the worker goes on (transient errors are retried). With
   * no listener, the error goes to the `logger` option instead.
   */
  error: (err: Error) => void;
  /** `close()` finished: jobs settled or released, heartbeat stopped, worker deregistered. */
  closed: () => void;
}
