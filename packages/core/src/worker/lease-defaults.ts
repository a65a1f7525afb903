/**
 * The default lease and heartbeat periods of a worker, and why they are safe.
 * @module
 */
import { systemClock } from '../clock.js';
import { ValidationError } from '../errors.js';
import type { Queue } from '../queue.js';
import type { WorkerOptions } from './worker-options.js';

/**
 * The default `leaseMs` of a worker renewing from its heartbeat thread. The thread renews every
 * third of it whatever the handler does to the main event loop, so a lease of a few seconds is
 * safe, and a crashed worker's job is back in seconds: about one lease after the crash, plus up
 * to half a lease for the next reclaim sweep (3.3 to 7.5 s; measured from a SIGKILL to the job
 * running on another worker: 3.7 to 6.6 s on SQLite, Postgres and Redis).
 */
export const DEFAULT_LEASE_MS = 5_000;

/**
 * The default `leaseMs` of a worker renewing from its own event loop (`heartbeat: 'main'`, an
 * injected clock, or a storage that cannot be reopened elsewhere), where a handler that blocks
 * the loop also stops the renewals.
 */
export const DEFAULT_MAIN_LEASE_MS = 30_000;

/** The longest default heartbeat period: registrations stay fresh for `Queue.workerStaleMs` (15 s). */
const MAX_DEFAULT_HEARTBEAT_MS = 5_000;

/** The lease and heartbeat periods a worker uses, its own options first. @internal */
export function leasePeriods(
  options: { leaseMs?: number | undefined; heartbeatMs?: number | undefined },
  heartbeat: 'thread' | 'main',
): { leaseMs: number; heartbeatMs: number } {
  const leaseMs = options.leaseMs ?? (heartbeat === 'thread' ? DEFAULT_LEASE_MS : DEFAULT_MAIN_LEASE_MS);
  // Three renewals per lease, so two can be late before the lease runs out.
  const heartbeatMs = options.heartbeatMs ?? Math.min(MAX_DEFAULT_HEARTBEAT_MS, Math.max(50, Math.floor(leaseMs / 3)));
  return { leaseMs, heartbeatMs };
}

/** A worker's options with every default applied (those it keeps in one object). @internal */
export type ResolvedWorkerOptions = {
  [K in keyof Omit<WorkerOptions, 'workerId' | 'autostart' | 'logger' | 'prefetch'>]-?: Exclude<WorkerOptions[K], undefined>;
};

/**
 * Applies a worker's defaults. The heartbeat runs in a thread only when the thread can reopen the
 * storage from its descriptor and read the same time source as the queue (its storage's clock or
 * the wall clock, not a clock a test injected). A `heartbeatMs` not below the lease (given, or
 * the default's) is a `ValidationError` at `['options', 'heartbeatMs']`. @internal
 */
export function resolveWorkerOptions(options: WorkerOptions, queue: Pick<Queue<never, never>, 'clock' | 'storage'>): ResolvedWorkerOptions {
  const threadable = (queue.clock === systemClock || queue.clock === queue.storage.clock) && queue.storage.capabilities.reopenable;
  const heartbeat = threadable ? (options.heartbeat ?? 'thread') : 'main';
  const { leaseMs, heartbeatMs } = leasePeriods(options, heartbeat);
  if (heartbeatMs >= leaseMs) {
    // Every lease would run out before its renewal: the worker would lose each job it runs and run it again.
    const message = `heartbeatMs (${heartbeatMs}) must be below leaseMs (${leaseMs}): a lease is renewed every heartbeat, and would run out first`;
    throw new ValidationError(`invalid worker options at options.heartbeatMs: ${message}`, [{ path: ['options', 'heartbeatMs'], message }]);
  }
  return {
    concurrency: options.concurrency ?? 1,
    leaseMs,
    heartbeatMs,
    heartbeat,
    pollIntervalMs: options.pollIntervalMs ?? 500,
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    timeoutGraceMs: options.timeoutGraceMs ?? 5_000,
    random: options.random ?? Math.random,
  };
}
