import { describe, expect, it } from 'vitest';
import { estimateEta, initialSlots, overtakeFactor, residualMs, simulateStart, winsorisedMean } from '../src/eta.js';
import type { JobRecord } from '../src/job-record.js';
import type { FinishedSample, PositionInputs, WorkerInfo } from '../src/storage.js';

const NOW = 1_700_000_000_000;

function job(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'j',
    queue: 'q',
    name: 'default',
    payload: {},
    state: 'queued',
    priority: 2,
    runAt: NOW,
    seq: 10,
    attempt: 0,
    maxAttempts: 1,
    stalls: 0,
    backoff: null,
    timeoutMs: null,
    size: null,
    idempotencyKey: null,
    createdAt: NOW,
    startedAt: null,
    finishedAt: null,
    leaseToken: null,
    leaseExpiresAt: null,
    workerId: null,
    cancelRequested: false,
    progress: null,
    result: null,
    error: null,
    traceparent: null,
    webhook: null,
    group: null,
    ...overrides,
  };
}

function samples(durations: number[], size: number | null = null, name = 'default'): FinishedSample[] {
  return durations.map((d, i) => ({
    name,
    state: 'completed',
    priority: 2,
    size,
    createdAt: NOW - 100_000,
    runAt: NOW - 100_000,
    startedAt: NOW - 50_000 - d - i,
    finishedAt: NOW - 50_000 - i,
  }));
}

const worker = (concurrency: number): WorkerInfo => ({ id: `w${concurrency}`, queue: 'q', host: 'h', pid: 1, concurrency, startedAt: NOW, lastSeenAt: NOW });

function inputs(overrides: Partial<PositionInputs> = {}): PositionInputs {
  return {
    job: job(),
    ahead: 0,
    aheadWork: [],
    aheadWorkOf: 0,
    aheadJobs: [],
    dueAhead: [],
    running: [],
    recent: samples([60_000, 60_000, 60_000]),
    config: { name: 'q', concurrency: 1, maxSize: null, paused: false, maxStalls: 1, draining: false },
    liveWorkers: [worker(1)],
    ...overrides,
  };
}

describe('estimateEta', () => {
  it('says unknown rather than inventing a number when nothing has finished yet', () => {
    expect(estimateEta(inputs({ recent: [] }), NOW)).toEqual({ startsInMs: null, finishesInMs: null, low: null, high: null, basis: 'unknown' });
  });

  it('says no-workers when no live worker can run the job', () => {
    expect(estimateEta(inputs({ liveWorkers: [] }), NOW)?.basis).toBe('no-workers');
  });

  it('says paused, with no time, for a waiting job of a paused queue; a running one goes on', () => {
    const config = { name: 'q', concurrency: 1, maxSize: null, paused: true, maxStalls: 1, draining: false };
    expect(estimateEta(inputs({ config }), NOW)).toEqual({ startsInMs: null, finishesInMs: null, low: null, high: null, basis: 'paused' });
    const running = { id: 'j', name: 'default', size: null, startedAt: NOW - 15_000, progressPercent: 50 };
    expect(estimateEta(inputs({ config, job: job({ state: 'running' }), running: [running] }), NOW)).toMatchObject({ finishesInMs: 15_000, basis: 'history' });
  });

  it('with concurrency 1 sums the running job remaining time and every job ahead', () => {
    const eta = estimateEta(
      inputs({
        ahead: 2,
        aheadJobs: [
          { name: 'default', size: null },
          { name: 'default', size: null },
        ],
        running: [{ id: 'r', name: 'default', size: null, startedAt: NOW - 20_000, progressPercent: null }],
      }),
      NOW,
    );
    expect(eta).toMatchObject({ startsInMs: 40_000 + 120_000, finishesInMs: 40_000 + 180_000, basis: 'history' });
  });

  it('starts a waiting job after the scheduled higher-priority jobs that come due before it', () => {
    const busy = {
      ahead: 2,
      aheadJobs: [
        { name: 'default', size: null },
        { name: 'default', size: null },
      ],
      running: [{ id: 'r', name: 'default', size: null, startedAt: NOW - 20_000, progressPercent: null }],
    };
    // Without them it starts in 160 s; the one due in 100 s goes first (60 s), the one due in 500 s does not.
    const dueAhead = [
      { name: 'default', size: null, runAt: NOW + 100_000 },
      { name: 'default', size: null, runAt: NOW + 500_000 },
    ];
    expect(estimateEta(inputs({ ...busy, dueAhead }), NOW)).toMatchObject({ startsInMs: 220_000, finishesInMs: 280_000 });
  });

  it('scales by size when jobs carry one, and reads a running job remaining time from its progress', () => {
    const eta = estimateEta(
      inputs({
        job: job({ size: 300 }),
        recent: samples(
          [10_000, 20_000, 30_000].map((d) => d),
          null,
        ).map((s, i) => ({ ...s, size: (i + 1) * 100 })),
        ahead: 1,
        aheadJobs: [{ name: 'default', size: 50 }],
        running: [{ id: 'r', name: 'default', size: 1000, startedAt: NOW - 30_000, progressPercent: 75 }],
      }),
      NOW,
    );
    // 100 ms per unit; running: 30 s elapsed at 75% -> 10 s left; ahead 50 units -> 5 s; own 300 units -> 30 s.
    expect(eta).toMatchObject({ startsInMs: 15_000, finishesInMs: 45_000, basis: 'size' });
  });

  it('spreads the work ahead over the effective capacity, bounded by live workers', () => {
    const ahead = Array.from({ length: 4 }, () => ({ name: 'default', size: null }));
    const two = estimateEta(
      inputs({
        ahead: 4,
        aheadJobs: ahead,
        config: { name: 'q', concurrency: 2, maxSize: null, paused: false, maxStalls: 1, draining: false },
        liveWorkers: [worker(5)],
      }),
      NOW,
    );
    expect(two?.startsInMs).toBe(120_000);
    const limitedByWorkers = estimateEta(
      inputs({
        ahead: 4,
        aheadJobs: ahead,
        config: { name: 'q', concurrency: 10, maxSize: null, paused: false, maxStalls: 1, draining: false },
        liveWorkers: [worker(1)],
      }),
      NOW,
    );
    expect(limitedByWorkers?.startsInMs).toBe(240_000);
  });

  it('uses aggregate work when the jobs ahead are not listed, matching the listed result for equal durations', () => {
    const listed = estimateEta(inputs({ ahead: 3, aheadJobs: Array.from({ length: 3 }, () => ({ name: 'default', size: null })) }), NOW);
    const summed = estimateEta(inputs({ ahead: 3, aheadJobs: null, aheadWork: [{ name: 'default', count: 3, sizedCount: 0, sizeSum: 0 }] }), NOW);
    expect(summed?.startsInMs).toBe(listed?.startsInMs);
    const huge = estimateEta(inputs({ ahead: 5_000_000, aheadJobs: null, aheadWork: [{ name: 'default', count: 5_000_000, sizedCount: 0, sizeSum: 0 }] }), NOW);
    expect(huge?.startsInMs).toBe(5_000_000 * 60_000);
  });

  it('scales the work of the first jobs ahead to every job ahead when the storage grouped only those', () => {
    const recent = [...samples([60_000, 60_000, 60_000]), ...samples([6_000, 6_000, 6_000]).map((r) => ({ ...r, name: 'ocr' }))];
    const mix = (n: number) => [
      { name: 'default', count: n / 2, sizedCount: 0, sizeSum: 0 },
      { name: 'ocr', count: n / 2, sizedCount: 0, sizeSum: 0 },
    ];
    const whole = estimateEta(inputs({ recent, ahead: 10_000, aheadJobs: null, aheadWork: mix(10_000), aheadWorkOf: 10_000 }), NOW);
    const sampled = estimateEta(inputs({ recent, ahead: 10_000, aheadJobs: null, aheadWork: mix(1_000), aheadWorkOf: 1_000 }), NOW);
    expect(sampled?.startsInMs).toBe(whole?.startsInMs);
    // 5,000 jobs of 60 s and 5,000 of 6 s on one slot.
    expect(whole?.startsInMs).toBe(5_000 * 66_000);
  });

  it('a delayed job does not start before its runAt', () => {
    const eta = estimateEta(inputs({ job: job({ runAt: NOW + 500_000 }), ahead: null, aheadJobs: null }), NOW);
    expect(eta?.startsInMs).toBe(500_000);
  });

  it('gives low <= finishesInMs <= high, and null for final jobs', () => {
    const eta = estimateEta(inputs({ recent: samples([40_000, 50_000, 60_000, 70_000, 80_000]), ahead: 1, aheadJobs: [{ name: 'default', size: null }] }), NOW);
    expect(eta?.low).toBeLessThanOrEqual(eta?.finishesInMs as number);
    expect(eta?.high).toBeGreaterThanOrEqual(eta?.finishesInMs as number);
    expect(eta?.low).toBeLessThan(eta?.high as number);
    expect(estimateEta(inputs({ job: job({ state: 'completed' }) }), NOW)).toBeNull();
  });

  it('a running job starts now and finishes after its remaining time', () => {
    const running = { id: 'j', name: 'default', size: null, startedAt: NOW - 15_000, progressPercent: 50 };
    expect(estimateEta(inputs({ job: job({ state: 'running' }), running: [running] }), NOW)).toMatchObject({ startsInMs: 0, finishesInMs: 15_000 });
  });
});

describe('run-time model', () => {
  it('sums many jobs ahead by the mean run time, not the median, of skewed run times', () => {
    // Median 10 s, mean 28 s: jobs ahead too many to list (so not sampled) wait 3 means.
    const recent = samples([10_000, 10_000, 10_000, 40_000, 70_000]);
    const aheadWork = [{ name: 'default', count: 3, sizedCount: 0, sizeSum: 0 }];
    const eta = estimateEta(inputs({ recent, ahead: 3, aheadWork, aheadJobs: null }), NOW);
    expect(eta?.startsInMs).toBe(3 * 28_000);
  });

  it('clips the top and bottom 1% before averaging, so one runaway job does not move every ETA', () => {
    const sorted = [...Array.from({ length: 199 }, () => 1_000), 10_000_000];
    expect(winsorisedMean(sorted)).toBe(1_000);
    expect(winsorisedMean([])).toBeNaN();
  });

  it('a running job without progress has the median remainder of the longer runs of its kind', () => {
    const sorted = [5_000, 10_000, 20_000, 60_000, 100_000, 300_000];
    expect(residualMs(sorted, 15_000)).toBe(100_000 - 15_000);
    expect(residualMs(sorted, 90_000)).toBeNull();
    const running = [{ id: 'r', name: 'default', size: null, startedAt: NOW - 15_000, progressPercent: null }];
    const eta = estimateEta(inputs({ recent: samples(sorted), running }), NOW);
    expect(eta?.startsInMs).toBe(85_000);
  });

  it('a sized running job at its expected end has what the runs that strayed further still had left', () => {
    // 1,000 ms per unit; runs strayed 0.9 to 1.1 times their size's expectation.
    const recent = [90_000, 95_000, 100_000, 105_000, 110_000].flatMap((d) => samples([d], 100));
    const running = [{ id: 'r', name: 'default', size: 100, startedAt: NOW - 99_000, progressPercent: null }];
    // Ratios above 0.99: 1.0, 1.05, 1.1; their median 1.05 of 100 s, less the 99 s run (not 10% of 100 s).
    expect(estimateEta(inputs({ recent, running }), NOW)?.startsInMs).toBeCloseTo(6_000, 6);
    const overrun = [{ ...running[0]!, startedAt: NOW - 150_000 }];
    // Past every run but the longest: a tenth of its expectation, as before.
    expect(estimateEta(inputs({ recent, running: overrun }), NOW)?.startsInMs).toBeCloseTo(10_000, 6);
  });
});

describe('overtaking by higher priorities', () => {
  /** `n` back-to-back 10 s runs ending now, every `every`-th one at priority 4, the rest at 2. */
  const history = (n: number, every: number): FinishedSample[] =>
    Array.from({ length: n }, (_, i) => ({
      name: 'default',
      state: 'completed' as const,
      priority: i % every === 0 ? 4 : 2,
      size: null,
      createdAt: NOW - (n - i) * 10_000,
      runAt: NOW - (n - i) * 10_000,
      startedAt: NOW - (n - i) * 10_000,
      finishedAt: NOW - (n - i - 1) * 10_000,
    }));

  it('is 1 / (1 - the share of capacity that higher-priority work took)', () => {
    // A quarter of one slot's time went to priority 4: a normal job waits 4/3 of the work ahead.
    expect(overtakeFactor(history(40, 4), 2, 1, NOW)).toBeCloseTo(4 / 3, 5);
    // Over two slots the same work is an eighth of the capacity.
    expect(overtakeFactor(history(40, 4), 2, 2, NOW)).toBeCloseTo(8 / 7, 5);
    // Nothing outranks priority 4.
    expect(overtakeFactor(history(40, 4), 4, 1, NOW)).toBe(1);
  });

  it('needs 10 samples, caps the share at 0.9, and ignores an unbounded capacity', () => {
    expect(overtakeFactor(history(9, 1), 2, 1, NOW)).toBe(1);
    expect(overtakeFactor(history(40, 1), 2, 1, NOW)).toBeCloseTo(10, 5);
    expect(overtakeFactor(history(40, 4), 2, Number.POSITIVE_INFINITY, NOW)).toBe(1);
  });

  it('widens the top of the range, not the estimate', () => {
    const ahead = Array.from({ length: 3 }, () => ({ name: 'default', size: null }));
    const calm = estimateEta(inputs({ recent: history(40, 2).map((h) => ({ ...h, priority: 2 })), ahead: 3, aheadJobs: ahead }), NOW)!;
    const busy = estimateEta(inputs({ recent: history(40, 2), ahead: 3, aheadJobs: ahead }), NOW)!;
    expect(busy.startsInMs).toBe(calm.startsInMs);
    expect(busy.low).toBe(calm.low);
    expect(busy.high! - calm.high!).toBeGreaterThanOrEqual(calm.startsInMs!);
  });
});

describe('slot simulation', () => {
  it('frees slots as running jobs finish, and takes the next free slot for each job ahead', () => {
    expect(initialSlots([30, 10], 3)).toEqual([0, 10, 30]);
    expect(initialSlots([30, 10, 20], 2)).toEqual([20, 30]);
    expect(simulateStart([0, 10], [5, 5, 5])).toBe(10);
    expect(simulateStart([0], [5, 5, 5])).toBe(15);
  });
});

describe('estimateEta at the edges', () => {
  it('answers for a queue of 200,000 live slots without simulating idle ones', () => {
    const config = { name: 'q', concurrency: null, maxSize: null, paused: false, maxStalls: 1, draining: false };
    const liveWorkers = Array.from({ length: 20 }, (_, i) => ({ ...worker(10_000), id: `w${i}` }));
    const running = [{ id: 'r', name: 'default', size: null, startedAt: NOW - 20_000, progressPercent: null }];
    const aheadJobs = Array.from({ length: 3 }, () => ({ name: 'default', size: null }));
    expect(estimateEta(inputs({ config, liveWorkers, running, ahead: 3, aheadJobs }), NOW)).toMatchObject({ startsInMs: 0, finishesInMs: 60_000 });
  });

  it('takes a running job at 100% as about to finish, not as a fresh one of its kind', () => {
    const running = [{ id: 'r', name: 'default', size: null, startedAt: NOW - 10_000, progressPercent: 100 }];
    expect(estimateEta(inputs({ running }), NOW)).toMatchObject({ startsInMs: 0, finishesInMs: 60_000 });
  });

  it('times a sized job of a kind with no history by the queue mean, not by another kind’s time per unit', () => {
    const recent = [...samples([1_000, 1_000, 1_000], 10, 'transcribe'), ...samples([2_000, 2_000, 2_000], null, 'thumbnail')];
    const eta = estimateEta(inputs({ job: job({ name: 'ocr', size: 5_000_000 }), recent, ahead: 0 }), NOW);
    expect(eta).toMatchObject({ startsInMs: 0, basis: 'history' });
    expect(eta?.finishesInMs).toBeLessThan(3_000);
  });

  it('says unknown rather than Infinity when size × time per unit leaves the float range', () => {
    const recent = samples([1_000, 1_000, 1_000], 1e-300);
    const aheadJobs = [{ name: 'default', size: 1e12 }];
    const eta = estimateEta(inputs({ job: job({ size: 1 }), recent, ahead: 1, aheadJobs }), NOW);
    expect(eta).toEqual({ startsInMs: null, finishesInMs: null, low: null, high: null, basis: 'unknown' });
  });

  it('never sets low before a scheduled job may start, nor stretches its certain delay into high', () => {
    const recent = samples([50_000, 60_000, 70_000, 55_000, 65_000]);
    const eta = estimateEta(inputs({ job: job({ runAt: NOW + 600_000 }), recent, ahead: null, aheadJobs: null }), NOW);
    expect(eta?.startsInMs).toBe(600_000);
    expect(eta?.low).toBeGreaterThanOrEqual(600_000);
    expect(eta?.high).toBeLessThan(600_000 + 2 * 60_000);
  });
});
