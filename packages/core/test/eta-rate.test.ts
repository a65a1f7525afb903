import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateEta } from '../src/eta.js';
import { rateLimitedStartMs, rateLimitStartBound } from '../src/eta-rate.js';
import { queuedRecord } from '../src/new-job.js';
import { rateLimitCap, rateLimitState } from '../src/rate-limit.js';
import type { PositionInputs } from '../src/storage.js';

const NOW = 1_700_000_000_000;

/** The k-th start from now when every start is taken the first ms the sliding window allows. */
function bruteForce(max: number, intervalMs: number, starts: readonly number[], k: number, now: number): number {
  const log = [...starts];
  let t = now;
  let last = now;
  for (let i = 0; i < k; i++) {
    while (log.filter((at) => at > t - intervalMs).length >= max) t += 1;
    log.push(t);
    last = t;
  }
  return last - now;
}

describe('rateLimitedStartMs', () => {
  const limit = { max: 3, intervalMs: 1_000 };

  it('is 0 while the window has room', () => {
    expect(rateLimitedStartMs(limit, [], 3, NOW)).toBe(0);
    expect(rateLimitedStartMs(limit, [NOW - 1_000, NOW - 2_000], 3, NOW)).toBe(0);
  });

  it('waits for the logged starts to leave the window, then goes max per interval', () => {
    const full = [NOW - 900, NOW - 500, NOW - 100];
    expect([1, 2, 3, 4, 5, 6, 7].map((k) => rateLimitedStartMs(limit, full, k, NOW))).toEqual([100, 500, 900, 1_100, 1_500, 1_900, 2_100]);
  });

  it('agrees with taking every start at the first ms the window allows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: -60, max: 0 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 12 }),
        (max, intervalMs, offsets, k) => {
          const starts = offsets.map((o) => NOW + o);
          // A log the storages could hold: never more than max starts in one window.
          fc.pre(offsets.every((o) => offsets.filter((p) => p >= o && p < o + intervalMs).length <= max));
          expect(rateLimitedStartMs({ max, intervalMs }, starts, k, NOW)).toBe(bruteForce(max, intervalMs, starts, k, NOW));
        },
      ),
    );
  });
});

describe('rateLimitState and rateLimitCap', () => {
  it('counts starts after now - intervalMs, and says when the next token frees', () => {
    const limit = { max: 2, intervalMs: 500 };
    expect(rateLimitState(limit, [NOW - 500, NOW - 499], NOW)).toEqual({ tokens: 1, nextAt: NOW });
    expect(rateLimitState(limit, [NOW - 100, NOW - 499], NOW)).toEqual({ tokens: 0, nextAt: NOW + 1 });
    expect(rateLimitCap(limit, [NOW - 100], NOW, 5)).toEqual({ limit: 1, nextStartAt: NOW + 400 });
    expect(rateLimitCap(limit, [], NOW, 2)).toEqual({ limit: 2 });
    expect(rateLimitCap(null, [NOW], NOW, 7)).toEqual({ limit: 7 });
  });
});

describe('the ETA under a rate limit', () => {
  const newJob = {
    id: 'j',
    name: 'default',
    payload: {},
    priority: 2,
    runAt: NOW,
    maxAttempts: 1,
    backoff: null,
    timeoutMs: null,
    size: null,
    idempotencyKey: null,
    traceparent: null,
    webhook: null,
  };
  const job = queuedRecord('q', newJob, 10, NOW);
  const recent = [0, 1, 2].map((i) => ({
    name: 'default',
    state: 'completed' as const,
    priority: 2,
    size: null,
    createdAt: NOW - 5_000,
    runAt: NOW - 5_000,
    startedAt: NOW - 3_000 - i,
    finishedAt: NOW - 2_990 - i,
  }));
  const inputs = (ahead: number, rateLimit: PositionInputs['config']['rateLimit']): PositionInputs => ({
    job,
    ahead,
    aheadWork: [{ name: 'default', count: ahead, sizedCount: 0, sizeSum: 0 }],
    aheadWorkOf: ahead,
    aheadJobs: null,
    dueAhead: [],
    running: [],
    recent,
    config: { name: 'q', concurrency: null, maxSize: null, paused: false, maxStalls: 1, draining: false, rateLimit },
    liveWorkers: [{ id: 'w', queue: 'q', host: 'h', pid: 1, concurrency: 50, startedAt: NOW, lastSeenAt: NOW }],
  });

  it('a job at position p starts no sooner than the p-th token', () => {
    const limit = { max: 2, intervalMs: 60_000 };
    // The samples' starts (NOW - 3_002 .. NOW - 3_000) fill the window: the first token frees at
    // NOW - 3_001 + 60 s, and the job at position 5 takes the 5th, two intervals after the 1st.
    expect(rateLimitStartBound(inputs(4, limit), NOW)).toBe(176_999);
    const eta = estimateEta(inputs(4, limit), NOW);
    expect(eta?.startsInMs).toBe(176_999);
    expect(eta?.high).toBeGreaterThanOrEqual(eta?.finishesInMs as number);
  });

  it('changes nothing without a limit, or when the tokens are not what holds the job', () => {
    expect(rateLimitStartBound(inputs(4, null), NOW)).toBe(0);
    expect(estimateEta(inputs(4, null), NOW)?.startsInMs).toBe(estimateEta(inputs(4, { max: 100, intervalMs: 1_000 }), NOW)?.startsInMs);
  });

  it('counts the starts of the window already made from the samples', () => {
    // The three samples started about 3 s ago: with max 3 per 10 s, the oldest leaves in 6_998 ms.
    expect(rateLimitStartBound(inputs(0, { max: 3, intervalMs: 10_000 }), NOW)).toBe(6_998);
    expect(rateLimitStartBound(inputs(0, { max: 4, intervalMs: 10_000 }), NOW)).toBe(0);
  });
});
