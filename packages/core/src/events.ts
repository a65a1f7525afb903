/**
 * Typed, namespaced events. Core emits them after each successful storage call (adapters never
 * emit), on the `Queue` in the emitting process, and publishes them on the storage's notifier so
 * `QueueEvents` in other processes see them where the storage can carry them.
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { JobErrorInfo, JobId, JobProgress } from './job-record.js';

/** Every event and its payload. Payloads are plain JSON, the same in-process and across processes. */
export interface WaitlineEventMap {
  'job:added': { queue: string; jobId: JobId; name: string; priority: number; runAt: number };
  'job:active': { queue: string; jobId: JobId; attempt: number; workerId: string };
  'job:progress': { queue: string; jobId: JobId; progress: JobProgress };
  'job:completed': { queue: string; jobId: JobId; result: unknown; durationMs: number | null };
  /** Final: attempts ran out or the error was permanent. The job is in the dead-letter set. */
  'job:failed': { queue: string; jobId: JobId; error: JobErrorInfo };
  /** An attempt failed and another is scheduled at `retryAt`. */
  'job:retrying': { queue: string; jobId: JobId; error: JobErrorInfo; retryAt: number; attempt: number };
  'job:cancelled': { queue: string; jobId: JobId };
  /**
   * A lease expired: the job was reclaimed from a silent worker (crashed, killed, cut off). `state`
   * is where it went: `queued` (to run again; the attempt handed back while `stalls` is within the
   * queue's `maxStalls`), `failed` (the stall cost the last attempt; `job:failed` follows with
   * `LEASE_LOST`) or `cancelled` (a cancel was requested; `job:cancelled` follows). `attempt` is
   * the attempt that stalled; `stalls` counts this job's stalls, this one included.
   */
  'job:stalled': { queue: string; jobId: JobId; attempt: number; state: 'queued' | 'failed' | 'cancelled'; stalls: number };
  'queue:paused': { queue: string };
  'queue:resumed': { queue: string };
  /**
   * Nothing queued or running any more, as seen by a worker that ran jobs since it last said so:
   * each such worker emits it once per emptying (two workers that both ran jobs: two events), so
   * treat it as "a worker went idle on an empty queue", or use `Queue.whenIdle` for one answer.
   */
  'queue:drained': { queue: string };
}

/** The name of a Waitline event. */
export type WaitlineEventName = keyof WaitlineEventMap;

/** Listener signatures of {@link WaitlineEventMap}. */
export type Listeners = { [K in WaitlineEventName]: (payload: WaitlineEventMap[K]) => void };

/** A typed event emitter over {@link WaitlineEventMap}. */
export class WaitlineEmitter extends EventEmitter<Listeners> {}

/** Every event name, for subscribers that forward them all. */
export const EVENT_NAMES: readonly WaitlineEventName[] = [
  'job:added',
  'job:active',
  'job:progress',
  'job:completed',
  'job:failed',
  'job:retrying',
  'job:cancelled',
  'job:stalled',
  'queue:paused',
  'queue:resumed',
  'queue:drained',
];
