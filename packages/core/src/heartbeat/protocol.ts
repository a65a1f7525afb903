/**
 * Messages between a worker and its heartbeat thread. Plain data only.
 * @internal
 * @module
 */
import type { LeaseRef, LeaseState, RegisterWorkerParams, StorageDescriptor } from '../storage.js';

/** Given to the thread at start (`workerData`). @internal */
export interface HeartbeatInit {
  descriptor: StorageDescriptor;
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  registration: Omit<RegisterWorkerParams, 'now'>;
}

/** From the worker to its thread. @internal */
export type ToThread = { type: 'track'; lease: LeaseRef } | { type: 'untrack'; id: string } | { type: 'stop' };

/** From the thread to its worker. @internal */
export type FromThread =
  | { type: 'ready' }
  | { type: 'leases'; states: LeaseState[] }
  | { type: 'error'; message: string; name: string; code?: string }
  | { type: 'stopped' };
