import { describe, expect, it } from 'vitest';
import type { Eta } from '../src/eta.js';
import { EtaCalibrator } from '../src/eta-calibration.js';

const LIMITS = { coverage: 0.8, window: 100, minScored: 20, maxPending: 1_000 };

const waiting = (finishesInMs: number): Eta => ({
  startsInMs: finishesInMs / 2,
  finishesInMs,
  low: finishesInMs * 0.5,
  high: finishesInMs * 1.5,
  basis: 'history',
});

/** Predicts a finish of 1000 ms for each job, and finishes job i after 1000 × ratios[i] ms. */
function teach(calibrator: EtaCalibrator, ratios: readonly number[]): void {
  ratios.forEach((ratio, i) => {
    calibrator.record(`j${i}`, waiting(1_000), i * 10_000);
    calibrator.complete(`j${i}`, i * 10_000 + 1_000 * ratio);
  });
}

/** The fraction of `ratios` whose finish falls inside the range `calibrate` gives a 1000 ms prediction. */
function coverage(calibrator: EtaCalibrator, ratios: readonly number[]): number {
  const eta = calibrator.calibrate(waiting(1_000))!;
  return ratios.filter((r) => 1_000 * r >= eta.low! && 1_000 * r <= eta.high!).length / ratios.length;
}

/** Ratios 0.5, 0.6, …, 2.4 repeated: a deterministic spread, skewed late. */
const spread = (n: number) => Array.from({ length: n }, (_, i) => 0.5 + (((i * 7) % 20) / 10) * 0.95);

describe('EtaCalibrator', () => {
  it('keeps the model band until enough predictions are scored', () => {
    const c = new EtaCalibrator(LIMITS);
    teach(c, spread(19));
    expect(c.calibrate(waiting(1_000))).toEqual(waiting(1_000));
  });

  it('sets [low, high] from the quantiles of past actual ÷ predicted finishes', () => {
    const c = new EtaCalibrator(LIMITS);
    const ratios = spread(100);
    teach(c, ratios);
    const eta = c.calibrate(waiting(2_000))!;
    // 100 scores: the conformal ranks are floor(101 × 0.1) = 10 and ceil(101 × 0.9) = 91.
    const sorted = [...ratios].sort((a, b) => a - b);
    expect(eta.low).toBe(Math.round(2_000 * sorted[9]!));
    expect(eta.high).toBe(Math.round(2_000 * sorted[90]!));
    expect(eta.finishesInMs).toBe(2_000);
    expect(coverage(c, ratios)).toBeGreaterThanOrEqual(0.8);
    expect(coverage(c, ratios)).toBeLessThanOrEqual(0.9);
  });

  it('follows a queue whose ETAs are all too short, where the model band would not', () => {
    const c = new EtaCalibrator(LIMITS);
    const late = spread(100).map((r) => r * 2); // real finishes 1.0–4.8 × predicted
    teach(c, late);
    expect(coverage(c, late)).toBeGreaterThanOrEqual(0.8);
    const band = waiting(1_000);
    expect(late.filter((r) => 1_000 * r <= band.high!).length / late.length).toBeLessThan(0.3);
  });

  it('never sets low below the certain part of the start (a delay)', () => {
    const c = new EtaCalibrator(LIMITS);
    teach(c, spread(40));
    const scheduled: Eta = { startsInMs: 900, finishesInMs: 1_000, low: 950, high: 1_100, basis: 'history' };
    expect(c.calibrate(scheduled)?.low).toBeLessThan(900);
    expect(c.calibrate(scheduled, 900)?.low).toBe(900);
  });

  it('slides: old scores leave the window', () => {
    const c = new EtaCalibrator(LIMITS);
    teach(
      c,
      Array.from({ length: 100 }, () => 3),
    );
    teach(
      c,
      Array.from({ length: 100 }, () => 1),
    );
    const eta = c.calibrate(waiting(1_000))!;
    expect([eta.low, eta.high]).toEqual([1_000, 1_000]);
  });

  it('keeps apart predictions of jobs that wait and of jobs that start now', () => {
    const c = new EtaCalibrator(LIMITS);
    teach(
      c,
      Array.from({ length: 40 }, () => 2),
    );
    const now: Eta = { startsInMs: 0, finishesInMs: 1_000, low: 500, high: 1_500, basis: 'history' };
    for (let i = 0; i < 40; i++) {
      c.record(`n${i}`, now, 0);
      c.complete(`n${i}`, 1_000);
    }
    expect(c.calibrate(now)).toMatchObject({ low: 1_000, high: 1_000 });
    expect(c.calibrate(waiting(1_000))).toMatchObject({ low: 1_000, high: 2_000 }); // widened down to hold the estimate
  });

  it('scores a job once, forgets failed ones, and bounds what it remembers', () => {
    const c = new EtaCalibrator({ ...LIMITS, maxPending: 3 });
    for (let i = 0; i < 3; i++) c.record('same', waiting(1_000), i);
    expect(c.pendingCount).toBe(2); // the first and the latest
    c.complete('same', 5_000);
    c.complete('same', 9_000);
    expect(c.scoredCount('history')).toBe(2);
    c.record('gone', waiting(1_000), 0);
    c.forget('gone');
    c.complete('gone', 1_000);
    expect(c.scoredCount('history')).toBe(2);
    for (let i = 0; i < 5; i++) c.record(`k${i}`, waiting(1_000), 0);
    expect(c.pendingCount).toBe(3);
    c.complete('k0', 1_000); // dropped as the oldest
    expect(c.scoredCount('history')).toBe(2);
  });

  it('records nothing without a predicted finish', () => {
    const c = new EtaCalibrator(LIMITS);
    c.record('u', { startsInMs: null, finishesInMs: null, low: null, high: null, basis: 'unknown' }, 0);
    c.record('v', null, 0);
    expect(c.pendingCount).toBe(0);
  });
});
