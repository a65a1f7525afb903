/**
 * Which recent finished samples a scrape has not observed yet, in bounded memory.
 * @module
 */
import type { FinishedSample } from '@waitline/core';

/** A sample's identity: samples carry no job id, so every field they have. */
function sampleKey(s: FinishedSample): string {
  return `${s.finishedAt}|${s.startedAt}|${s.runAt}|${s.state}|${s.size ?? ''}|${s.name}`;
}

/** What one scrape's window of recent samples brought. */
export interface FreshSamples {
  /** Samples not observed at an earlier scrape. */
  fresh: FinishedSample[];
  /**
   * True when the window was full and every sample in it was new, after an earlier scrape: jobs
   * that finished between that scrape's window and this one may never have been observed.
   */
  overrun: boolean;
}

/**
 * Tracks one queue's recent finished samples (newest first, at most `limit` per read) from scrape
 * to scrape and hands out each sample once. It keeps only the previous window: a multiset of
 * sample keys (two jobs settled in one batch can share every field, so keys are counted, not
 * just noted) and the oldest finish time of the last full window. A sample that finished before
 * that time is never new: it was observed then, or it fell out of the window unobserved (jobs
 * removed by `clean` let older samples back into the window; they are not counted twice).
 * Memory is O(`limit`).
 * @internal
 */
export class SampleTracker {
  private seen = new Map<string, number>();
  private floor = Number.NEGATIVE_INFINITY;
  private primed = false;

  constructor(private readonly limit: number) {}

  /** Takes this scrape's window (any order) and returns the samples not handed out before. */
  take(recent: readonly FinishedSample[]): FreshSamples {
    const counts = new Map<string, number>();
    const fresh: FinishedSample[] = [];
    let oldest = Number.POSITIVE_INFINITY;
    for (const sample of recent) {
      oldest = Math.min(oldest, sample.finishedAt);
      const key = sampleKey(sample);
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (sample.finishedAt >= this.floor && n > (this.seen.get(key) ?? 0)) fresh.push(sample);
    }
    const full = recent.length >= this.limit;
    const overrun = full && this.primed && fresh.length === recent.length;
    this.seen = counts;
    this.primed = true;
    if (full && recent.length > 0) this.floor = Math.max(this.floor, oldest);
    return { fresh, overrun };
  }
}
