/**
 * Scores a replay: the relative error of the predicted wait against the real one at the moment of
 * add (|predicted − real| ÷ real, for jobs that really waited), for Waitline and for the naive
 * estimate an app makes by hand; how often `[low, high]` held the real finish; and how often the
 * position at add was the real one for jobs nobody overtook.
 * @module
 */
import type { Outcome } from './replay.js';

/** The scores of one or more replays. */
export interface Score {
  /** Jobs scored for the wait error (past the warm-up, with an estimate, that really waited). */
  scored: number;
  waitlineP50: number;
  waitlineP90: number;
  naiveP50: number;
  naiveP90: number;
  /** Share of jobs whose real finish fell inside `[low, high]`. */
  coverage: number;
  /** Share of jobs nobody overtook whose position at add was exact. */
  positionsExact: number;
  /** Jobs nobody overtook (the denominator of `positionsExact`). */
  notOvertaken: number;
}

/** Jobs at the start of each trace left out while history builds up. */
export const WARMUP = 40;

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The real wait of an outcome, ms. */
export function realWait(o: Outcome): number {
  return o.startedAt - o.addedAt;
}

/** Scores outcomes (from one replay or many pooled). */
export function score(outcomes: readonly Outcome[]): Score {
  // Jobs added with a delay wait for their runAt by design: only the jobs added ready are scored.
  const past = outcomes.filter((o) => o.job.index >= WARMUP && o.job.delayMs === 0);
  const waited = past.filter((o) => realWait(o) > 0 && o.eta?.startsInMs != null && o.naiveWaitMs !== null);
  const rel = (predicted: number, o: Outcome) => Math.abs(predicted - realWait(o)) / realWait(o);
  const ours = waited.map((o) => rel(o.eta!.startsInMs!, o));
  const naive = waited.map((o) => rel(o.naiveWaitMs!, o));
  const ranged = past.filter((o) => o.eta?.low != null && o.eta.high != null);
  const inside = ranged.filter((o) => {
    const finishIn = o.finishedAt - o.addedAt;
    return finishIn >= o.eta!.low! && finishIn <= o.eta!.high!;
  });
  const fair = past.filter((o) => !o.overtaken && o.position !== null);
  return {
    scored: waited.length,
    waitlineP50: quantile(ours, 0.5),
    waitlineP90: quantile(ours, 0.9),
    naiveP50: quantile(naive, 0.5),
    naiveP90: quantile(naive, 0.9),
    coverage: ranged.length === 0 ? Number.NaN : inside.length / ranged.length,
    positionsExact: fair.length === 0 ? Number.NaN : fair.filter((o) => o.position === o.realPosition).length / fair.length,
    notOvertaken: fair.length,
  };
}
