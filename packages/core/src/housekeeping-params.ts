/**
 * The params and results of the `Storage` seam's housekeeping calls: a queue's stored retention
 * policy, the per-queue housekeeping lease that lets one worker at a time prune, and the bounded
 * prune itself. Policy (which rule, which cut-off, how often) is core's (`retention/prune.ts`);
 * a storage stores, guards and deletes.
 * @module
 */
import type { RetentionPolicy, RetentionState } from './retention/policy.js';

/** Stores (or with null, removes) a queue's retention policy, shared by every process. */
export interface SetRetentionParams {
  queue: string;
  /** As core validated and normalised it; null keeps every finished job. */
  retention: RetentionPolicy | null;
  now: number;
}

/**
 * Takes or renews the queue's housekeeping lease, as one compare-and-set: it succeeds when no one
 * holds it, when the stored lease expired (`expiresAt <= now`) or when `holder` already holds it,
 * and then stores `holder` with `expiresAt = now + leaseMs`. Otherwise nothing is written.
 */
export interface HousekeepingLeaseParams {
  queue: string;
  /** Who asks: a worker id. */
  holder: string;
  leaseMs: number;
  now: number;
}

/** What a lease call found: whether `holder` now holds the lease, and the queue's stored policy. */
export interface HousekeepingLease {
  held: boolean;
  retention: RetentionPolicy | null;
}

/**
 * Deletes up to `limit` jobs of one finished state of the queue, oldest first: those finished
 * before `olderThan` (all when null), skipping the newest `keepNewest` of them by finish time, then
 * `seq` (none skipped when null). Before a completed or failed job that ever started is deleted, its
 * ETA sample (see `FinishedSample`) is kept in the queue's sample store, which keeps only the
 * newest `sampleLimit` samples.
 */
export interface PruneFinishedParams {
  queue: string;
  state: RetentionState;
  olderThan: number | null;
  keepNewest: number | null;
  /** Most jobs deleted by this call (one statement or script). */
  limit: number;
  /** How many samples the queue's sample store keeps. */
  sampleLimit: number;
}

/**
 * Housekeeping: a queue's stored retention policy, a lease that lets one worker at a time prune
 * the queue, and the bounded prune. Core decides what to prune and when (`retention/prune.ts`).
 */
export interface StorageHousekeeping {
  /** Stores the queue's retention policy (null removes it); every process reads the same one. */
  setRetention(p: SetRetentionParams): Promise<void>;
  /**
   * The queue's stored retention policy, as `setRetention` stored it; null when it has none or the
   * queue is unknown. Reads only (the lease is neither taken nor renewed): what an export carries.
   */
  getRetention(queue: string): Promise<RetentionPolicy | null>;
  /**
   * Takes or renews the queue's housekeeping lease as one compare-and-set (see
   * {@link HousekeepingLeaseParams}): of many callers at once, at most one holds it until it
   * expires. Answers the stored policy either way.
   */
  takeHousekeepingLease(p: HousekeepingLeaseParams): Promise<HousekeepingLease>;
  /**
   * Deletes one bounded batch of finished jobs (see {@link PruneFinishedParams}) in one atomic
   * step, keeping the ETA samples of the deleted ones; returns how many were deleted. Never
   * touches a queued or running job.
   */
  pruneFinished(p: PruneFinishedParams): Promise<number>;
}
