/**
 * Conformal-style calibration of the ETA range: a queue object remembers the finish it predicted
 * each time it computed a job's status, scores each prediction when the job completes (the ratio
 * of the real time to finish to the predicted one), and sets `low`/`high` of later ETAs from the
 * empirical quantiles of the last scored ratios. Until enough are scored, the model's own band
 * stands. Everything is in memory and per process: bounded, and lost on restart.
 * @module
 */
import type { Eta, EtaBasis } from './eta.js';
import type { JobId } from './job-record.js';

/** Limits of a calibrator; the defaults are what a `Queue` uses. @internal */
export interface CalibrationLimits {
  /** The share of real finishes `[low, high]` is set to hold (central interval). */
  coverage: number;
  /** Scored predictions kept per kind of prediction (the sliding window). */
  window: number;
  /** Fewest scored predictions of a kind before its quantiles replace the model's band. */
  minScored: number;
  /** Jobs whose predictions await an outcome; beyond it the oldest job's are dropped. */
  maxPending: number;
}

/** The limits a `Queue` calibrates with. @internal */
export const DEFAULT_CALIBRATION: CalibrationLimits = { coverage: 0.8, window: 400, minScored: 30, maxPending: 5_000 };

/** One remembered prediction: when it was made, the finish it predicted (ms from then), and its kinds. */
interface Prediction {
  at: number;
  finishesInMs: number;
  keys: readonly string[];
}

/**
 * What a prediction is compared with, narrowest first: predictions of a job that waits and of
 * one that starts (or runs) now err differently, and so do those from sizes and from history. A
 * kind with too few scores of its own borrows its basis's, pooled over both. (Splitting further by
 * the job's priority did not hold the coverage better on the replay.)
 */
function keysOf(eta: Eta): string[] {
  return [`${eta.basis}:${eta.startsInMs === 0 ? 'now' : 'waits'}`, eta.basis];
}

/**
 * The `k`-th smallest value of `sorted` for the conformal quantile at level `q`: rank
 * `ceil((n + 1) q)` for an upper bound, `floor((n + 1) q)` for a lower one, clamped to the sample.
 */
function conformalQuantile(sorted: readonly number[], q: number, upper: boolean): number {
  const n = sorted.length;
  const rank = upper ? Math.ceil((n + 1) * q) : Math.floor((n + 1) * q);
  return sorted[Math.min(n, Math.max(1, rank)) - 1] as number;
}

/**
 * Remembers predicted finishes and learns from outcomes how wrong they were. Predictions are kept
 * per job (its first and its latest), for at most `maxPending` jobs; scores per kind in a window
 * of the last `window`. Not thread-shared: one per queue object.
 * @internal
 */
export class EtaCalibrator {
  private readonly pending = new Map<JobId, Prediction[]>();
  private readonly scores = new Map<string, number[]>();

  constructor(private readonly limits: CalibrationLimits = DEFAULT_CALIBRATION) {}

  /** How many predictions await an outcome (for tests and diagnostics). */
  get pendingCount(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }

  /** How many scored predictions of `basis` are in the window, over both phases. */
  scoredCount(basis: EtaBasis): number {
    return this.scores.get(basis)?.length ?? 0;
  }

  /** Remembers `eta`, computed at `now` for `jobId`, when it predicts a finish; else does nothing. */
  record(jobId: JobId, eta: Eta | null, now: number): void {
    if (!eta || eta.finishesInMs === null || eta.finishesInMs < 1) return;
    const prediction = { at: now, finishesInMs: eta.finishesInMs, keys: keysOf(eta) };
    const list = this.pending.get(jobId);
    if (list) {
      list[Math.min(list.length, 1)] = prediction; // the first stays; the latest replaces the last
      return;
    }
    this.pending.set(jobId, [prediction]);
    if (this.pending.size > this.limits.maxPending) this.pending.delete(this.pending.keys().next().value as JobId);
  }

  /** Scores every remembered prediction of `jobId` against its real finish at `finishedAt`, and forgets them. */
  complete(jobId: JobId, finishedAt: number): void {
    const list = this.pending.get(jobId);
    if (!list) return;
    this.pending.delete(jobId);
    for (const p of list) {
      if (finishedAt < p.at) continue;
      const ratio = (finishedAt - p.at) / p.finishesInMs;
      for (const key of p.keys) this.push(key, ratio);
    }
  }

  /** Forgets the predictions of a job that will not complete (failed, cancelled). */
  forget(jobId: JobId): void {
    this.pending.delete(jobId);
  }

  private push(key: string, ratio: number): void {
    const window = this.scores.get(key) ?? [];
    window.push(ratio);
    if (window.length > this.limits.window) window.shift();
    this.scores.set(key, window);
  }

  /**
   * `eta` with `low`/`high` set to its finish times the conformal
   * quantiles of past ratios of its kind (or of the narrowest wider kind with enough), widened if need be to contain
   * `finishesInMs` and raised if need be to `floorMs`, the part of the start that is certain (a
   * delay, a rate limit); `eta` unchanged while fewer than `minScored` predictions are scored.
   */
  calibrate(eta: Eta | null, floorMs = 0): Eta | null {
    if (!eta || eta.finishesInMs === null) return eta;
    const scores = keysOf(eta)
      .map((key) => this.scores.get(key))
      .find((window) => window !== undefined && window.length >= this.limits.minScored);
    if (!scores) return eta;
    const sorted = [...scores].sort((a, b) => a - b);
    const tail = (1 - this.limits.coverage) / 2;
    const finish = eta.finishesInMs;
    const low = Math.round(finish * conformalQuantile(sorted, tail, false));
    const high = Math.round(finish * conformalQuantile(sorted, 1 - tail, true));
    return { ...eta, low: Math.min(Math.max(low, floorMs), finish), high: Math.max(high, finish) };
  }
}
