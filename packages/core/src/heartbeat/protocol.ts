/**
 * Messages between a worker and its heartbeat thread. Plain data only, and no message per job:
 * the thread renews every lease held under the worker's id.
 * @internal
 * @module
 */
import type { ErrorData } from '../error-data.js';
import type { RegisterWorkerParams, StorageDescriptor } from '../storage.js';
import type { BeatReport } from './beat.js';

/** Given to the thread at start (`workerData`). @internal */
export interface HeartbeatInit {
  descriptor: StorageDescriptor;
  workerId: string;
  queue: string;
  leaseMs: number;
  heartbeatMs: number;
  registration: Omit<RegisterWorkerParams, 'now'>;
}

/** From the worker to its thread. @internal */
export type ToThread = { type: 'stop' };

/** From the thread to its worker. @internal */
export type FromThread =
  | { type: 'ready' }
  | { type: 'beat'; report: BeatReport }
  /** A failure, as data: the worker rebuilds its class (`fromThreadError`). */
  | { type: 'error'; error: ErrorData }
  | { type: 'stopped' };
