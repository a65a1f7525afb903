import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampDelay, computeRetryDelay, toBackoffSpec } from '../src/backoff.js';
import { RetryPolicyError } from '../src/errors.js';
import type { BackoffSpec } from '../src/job-record.js';
import { MAX_DELAY_MS } from '../src/limits.js';

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

  it('custom asks the function: null stops retrying, a number is rounded and clamped', () => {
    const spec = toBackoffSpec({ kind: 'custom', delay: () => 1 });
    expect(spec).toEqual({ kind: 'custom' });
    const seen: number[] = [];
    const fn = ({ attempt }: { attempt: number }) => {
      seen.push(attempt);
      return attempt < 3 ? attempt * 10 : null;
    };
    expect(computeRetryDelay(spec, ctx(1), Math.random, fn)).toBe(10);
    expect(computeRetryDelay(spec, ctx(3), Math.random, fn)).toBeNull();
    expect(seen).toEqual([1, 3]);
    expect(computeRetryDelay(spec, ctx(1), Math.random, () => -5)).toBe(0);
    expect(computeRetryDelay(spec, ctx(1), Math.random, () => 2.6)).toBe(3);
    expect(computeRetryDelay(spec, ctx(1), Math.random, () => Number.POSITIVE_INFINITY)).toBe(MAX_DELAY_MS);
    expect(computeRetryDelay(spec, ctx(1), Math.random, () => 1e20)).toBe(MAX_DELAY_MS);
  });

  it('a custom spec without a function, or one that throws or returns a non-number, is a RetryPolicyError naming the handler error', () => {
    const spec: BackoffSpec = { kind: 'custom' };
    const cases: Array<((c: { attempt: number }) => number | null) | undefined> = [
      undefined,
      () => {
        throw new Error('policy bug');
      },
      () => Number.NaN,
      () => undefined as unknown as number,
      () => '10' as unknown as number,
    ];
    for (const fn of cases) {
      let err: unknown;
      try {
        computeRetryDelay(spec, ctx(1), Math.random, fn);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RetryPolicyError);
      expect((err as RetryPolicyError).code).toBe('RETRY_POLICY');
      expect((err as RetryPolicyError).message).toContain('boom');
      expect(((err as RetryPolicyError).cause as Error).message).toBe('boom');
    }
  });

  it('every computed delay is a whole number from 0 to MAX_DELAY_MS, whatever the stored spec holds', () => {
    const ms = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e20, -1, Number.MAX_VALUE, Number.POSITIVE_INFINITY));
    const spec: fc.Arbitrary<BackoffSpec> = fc.oneof(
      fc.record({ kind: fc.constant('fixed' as const), delayMs: ms }),
      fc.record({ kind: fc.constant('exponential' as const), baseMs: ms, maxMs: ms, jitter: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('list' as const), delaysMs: fc.array(ms, { maxLength: 5 }) }),
    );
    fc.assert(
      fc.property(spec, fc.integer({ min: 1, max: 2_000 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (s, attempt, r) => {
        const delay = computeRetryDelay(s, ctx(attempt), () => r);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(MAX_DELAY_MS);
      }),
    );
  });

  it('clampDelay rounds and bounds', () => {
    expect([Number.NaN, -1, 0.4, 0.5, 1e3, 1e20, Number.POSITIVE_INFINITY].map(clampDelay)).toEqual([0, 0, 0, 1, 1000, MAX_DELAY_MS, MAX_DELAY_MS]);
  });

  it('no backoff retries at once', () => {
    expect(computeRetryDelay(null, ctx(1))).toBe(0);
  });
});
