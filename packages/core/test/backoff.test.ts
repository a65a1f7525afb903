import { describe, expect, it } from 'vitest';
import { computeRetryDelay, toBackoffSpec } from '../src/backoff.js';

const ctx = (attempt: number) => ({ attempt, error: new Error('boom') });

describe('computeRetryDelay', () => {
  it('fixed waits the same delay after every attempt', () => {
    const spec = toBackoffSpec({ kind: 'fixed', delayMs: 1500 });
    expect([1, 2, 5].map((a) => computeRetryDelay(spec, ctx(a)))).toEqual([1500, 1500, 1500]);
  });

  it('exponential doubles from baseMs, capped at maxMs, with no jitter when jitter is 0', () => {
    const spec = toBackoffSpec({ kind: 'exponential', baseMs: 100, maxMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map((a) => computeRetryDelay(spec, ctx(a), () => 0.99))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('exponential jitter randomises only the jitter share of each delay, from the injected source', () => {
    const spec = toBackoffSpec({ kind: 'exponential', baseMs: 1000, jitter: 0.5 });
    expect(computeRetryDelay(spec, ctx(1), () => 0)).toBe(500);
    expect(computeRetryDelay(spec, ctx(1), () => 0.5)).toBe(750);
    expect(computeRetryDelay(spec, ctx(2), () => 0)).toBe(1000);
    expect(toBackoffSpec({ kind: 'exponential', baseMs: 10 })).toEqual({ kind: 'exponential', baseMs: 10, maxMs: 3_600_000, jitter: 0.2 });
  });

  it('list takes the delay for the attempt and repeats the last one', () => {
    const spec = toBackoffSpec({ kind: 'list', delaysMs: [30_000, 120_000, 300_000] });
    expect([1, 2, 3, 4, 9].map((a) => computeRetryDelay(spec, ctx(a)))).toEqual([30_000, 120_000, 300_000, 300_000, 300_000]);
  });

  it('custom asks the function, and stops retrying on null or an invalid delay', () => {
    const spec = toBackoffSpec({ kind: 'custom', delay: () => 1 });
    expect(spec).toEqual({ kind: 'custom' });
    const seen: number[] = [];
    const fn = ({ attempt }: { attempt: number }) => {
      seen.push(attempt);
      return attempt < 3 ? attempt * 10 : null;
    };
    expect(computeRetryDelay(spec, ctx(1), Math.random, fn)).toBe(10);
    expect(computeRetryDelay(spec, ctx(3), Math.random, fn)).toBeNull();
    expect(computeRetryDelay(spec, ctx(1), Math.random, () => -5)).toBeNull();
    expect(computeRetryDelay(spec, ctx(1), Math.random, () => Number.NaN)).toBeNull();
    expect(computeRetryDelay(spec, ctx(1))).toBeNull();
    expect(seen).toEqual([1, 3]);
  });

  it('no backoff retries at once', () => {
    expect(computeRetryDelay(null, ctx(1))).toBe(0);
  });
});
