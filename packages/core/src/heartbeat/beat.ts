/**
 * One heartbeat: renew every lease the worker holds and refresh its registration. Shared by the
 * main-thread keeper and the heartbeat thread, so both behave the same.
 * @internal
 * @module
 */
import type { RegisterWorkerParams, Storage } from '../storage.js';

/** What a heartbeat needs. @internal */
export interface BeatParams {
  storage: Storage;
  workerId: string;
  queue: string;
  leaseMs: number;
  registration: Omit<RegisterWorkerParams, 'now'>;
  now: number;
}

/** What a heartbeat found: the jobs whose leases it renewed, and those with a cancel request. @internal */
export interface BeatReport {
  /** The `now` the renewal ran with. */
  at: number;
  renewed: string[];
  cancelRequested: string[];
}

/** Renews every lease held by the worker (no per-job bookkeeping needed) and its registration. @internal */
export async function beat(p: BeatParams): Promise<BeatReport> {
  const states = await p.storage.renewLeases({ workerId: p.workerId, queue: p.queue, leaseMs: p.leaseMs, now: p.now });
  await p.storage.registerWorker({ ...p.registration, now: p.now });
  const held = states.filter((s) => s.held);
  return { at: p.now, renewed: held.map((s) => s.id), cancelRequested: held.filter((s) => s.cancelRequested).map((s) => s.id) };
}
