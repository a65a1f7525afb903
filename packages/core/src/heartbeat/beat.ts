/**
 * One heartbeat: renew every tracked lease and refresh the worker's registration. Shared by the
 * main-thread keeper and the heartbeat thread, so both behave the same.
 * @internal
 * @module
 */
import type { LeaseRef, LeaseState, RegisterWorkerParams, Storage } from '../storage.js';

/** What a heartbeat needs. @internal */
export interface BeatParams {
  storage: Storage;
  workerId: string;
  leaseMs: number;
  leases: LeaseRef[];
  registration: Omit<RegisterWorkerParams, 'now'>;
  now: number;
}

/** Renews leases and the registration; returns only the leases that need the worker's attention. @internal */
export async function beat(p: BeatParams): Promise<LeaseState[]> {
  const states =
    p.leases.length === 0 ? [] : await p.storage.renewLeases({ workerId: p.workerId, leases: p.leases, leaseMs: p.leaseMs, now: p.now });
  await p.storage.registerWorker({ ...p.registration, now: p.now });
  return states.filter((s) => !s.held || s.cancelRequested);
}
