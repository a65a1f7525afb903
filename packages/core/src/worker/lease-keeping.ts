/**
 * A worker's lease keeping: the keeper (heartbeat thread or main-thread timer) that renews every
 * lease the worker holds and registers it as live, fed into the worker's attempts (cancel
 * requests, lost leases) and into the orphan watch (jobs held under its id that it does not know).
 * @internal
 * @module
 */
import { hostname } from 'node:os';
import type { BeatReport } from '../heartbeat/beat.js';
import { type KeeperConfig, type LeaseKeeper, MainLeaseKeeper, ThreadLeaseKeeper } from '../heartbeat/keeper.js';
import type { Queue } from '../queue.js';
import { type ActiveAttempt, applyBeat, type Outcome } from './attempt.js';
import { OrphanWatch } from './orphans.js';
import type { PrefetchBuffer } from './prefetch.js';

/** What lease keeping reads from its worker. @internal */
export interface KeepingHost {
  readonly id: string;
  readonly queue: Queue<never, never>;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly heartbeat: 'thread' | 'main';
  /** The attempts running now. */
  readonly active: ReadonlyMap<string, ActiveAttempt>;
  /** The jobs held before running (prefetched): renewed with the others, known to the orphan watch. */
  readonly prefetched: Pick<PrefetchBuffer, 'has' | 'onBeat'>;
  /** Settles outcomes a heartbeat decided for held jobs (cancel requests). */
  settleLater(outcomes: readonly Outcome[]): void;
  /** Outcomes not settled yet. */
  pending(): readonly Outcome[];
  /** Whether a settle-and-claim step is in flight. */
  stepInFlight(): boolean;
  reportError(err: unknown): void;
}

/** Builds the worker's lease keeper (not started). @internal */
export function createLeaseKeeper(host: KeepingHost): LeaseKeeper {
  const { queue } = host;
  const config: KeeperConfig = {
    storage: queue.storage,
    workerId: host.id,
    queue: queue.name,
    leaseMs: host.leaseMs,
    heartbeatMs: host.heartbeatMs,
    registration: { id: host.id, queue: queue.name, host: hostname(), pid: process.pid, concurrency: host.concurrency },
    clock: queue.clock,
  };
  const report = (e: unknown) => host.reportError(e);
  const orphans = new OrphanWatch(queue.storage, queue.name, host.id, () => queue.clock.now(), report);
  const known = (id: string) => host.active.has(id) || host.prefetched.has(id) || host.pending().some((o) => (o.kind === 'dropped' ? o.id : o.item.id) === id);
  const onBeat = (r: BeatReport) => {
    applyBeat(r, host.active);
    host.settleLater(host.prefetched.onBeat(r));
    orphans.check(r.renewed, host.stepInFlight(), known);
  };
  const events = { onBeat, onError: (e: Error) => host.reportError(e) };
  return host.heartbeat === 'thread' ? new ThreadLeaseKeeper(config, events) : new MainLeaseKeeper(config, events);
}
