/**
 * How big a chaos run is. `WAITLINE_CHAOS_SCALE` multiplies every size: 1 (the default) is the CI
 * run (a few minutes on two cores), 10 is the full size (10,000 jobs in the fair-share
 * drain, 10,000 bad calls per storage, a 10 s outage).
 * @internal
 */

/** The multiplier from `WAITLINE_CHAOS_SCALE`; 1 when unset or not a positive number. */
export const SCALE: number = (() => {
  const raw = Number(process.env.WAITLINE_CHAOS_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
})();

/** `base × SCALE`, rounded, never below `min`. */
export function scaled(base: number, min = 1): number {
  return Math.max(min, Math.round(base * SCALE));
}

/** The sizes every scenario reads. */
export const SIZES = {
  /**
   * Jobs in the fair-share drain (4 processes × 10 slots, global limit 25) and how long each
   * handler takes: from scale 5 the 10,000 jobs of 1 ms (storage-bound, the throughput
   * figure); below it 2,000 jobs of 20 ms, so the drain lasts a few seconds and the half second a
   * worker takes to learn of the others is a small part of it.
   */
  fairShareJobs: SCALE >= 5 ? 10_000 : scaled(2_000),
  fairShareHandlerMs: SCALE >= 5 ? 1 : 20,
  /** Generated bad calls per storage. */
  badCalls: scaled(1_000),
  /**
   * Jobs per queue in the SIGKILL run, at every scale: a reclaimed job goes to the back of its
   * priority level, so with a longer queue the time until it runs again measures the backlog (at
   * 160 jobs, about 20 s behind a 3 s lease), not the recovery.
   */
  killJobs: 16,
  /** Jobs drained across a server restart and an outage. */
  drainJobs: scaled(1_000),
  /** How long the server stays down in the outage: 3 s at CI size, 10 s at full size. */
  outageMs: Math.min(10_000, Math.max(3_000, Math.round(1_000 * SCALE))),
  /** Jobs in the Redis-without-persistence run. */
  volatileJobs: scaled(400),
  /** SQLite kill -9 rounds, each a burst of adds killed mid-way. */
  sqliteKillRounds: scaled(3, 2),
} as const;
