/**
 * The job lifecycle, as data.
 *
 * - `queued`: waiting. With `runAt > now` it is *scheduled* (delayed, or waiting out a retry
 *   backoff); with `runAt <= now` it is *ready* and has a position. Entered by `add`, by a retry
 *   after a failed attempt, by a reclaimed lease with attempts left, and by `retry(id)` by hand.
 * - `running`: claimed by a worker, which holds a lease (`leaseToken`, `leaseExpiresAt`) and renews
 *   it by heartbeat. Left by complete, fail (retry or dead-letter), cancel, or lease expiry. Every
 *   exit is guarded by the lease token: a worker that lost its lease writes nothing.
 * - `completed`: the handler returned; `result` holds what it returned. Final.
 * - `failed`: attempts ran out or the handler threw `PermanentJobError`: the dead-letter set.
 *   `retry(id)` moves it back to `queued`.
 * - `cancelled`: cancelled while queued (at once) or while running (the handler's signal aborted).
 *   `retry(id)` moves it back to `queued`.
 * @module
 */

/** Every state a stored job can be in. */
export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

/** A stored job's state. */
export type JobState = (typeof JOB_STATES)[number];

/** The states from which a job never moves on its own. */
export const FINAL_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled'];

/** The allowed transitions: `TRANSITIONS[from]` lists every state `from` may move to. */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  queued: ['running', 'cancelled'],
  running: ['completed', 'queued', 'failed', 'cancelled'],
  completed: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

/** True when the lifecycle allows a job in state `from` to move to `to`. */
export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True for `completed`, `failed` and `cancelled`. */
export function isFinalState(state: JobState): boolean {
  return FINAL_STATES.includes(state);
}
