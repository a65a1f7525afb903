import { describe, expect, it } from 'vitest';
import { buildModels, estimateEta, residualMs } from '../src/eta.js';
import { sampledStartOffset } from '../src/eta-sampling.js';
import type { FinishedSample, PositionInputs, RunningSample } from '../src/storage.js';

const NOW = 1_700_000_000_000;
const RUNS = [5_000, 10_000, 20_000, 30_000, 60_000, 100_000, 200_000, 300_000];

const recent: FinishedSample[] = RUNS.flatMap((d, i) =>
  [0, 1].map((k) => ({
    name: 'default',
    state: 'completed' as const,
    priority: 2,
    size: null,
    createdAt: NOW - 900_000,
    runAt: NOW - 900_000,
    startedAt: NOW - 400_000 - d - i * 2 - k,
    finishedAt: NOW - 400_000 - i * 2 - k,
  })),
);

const running = (id: string, age: number, size: number | null = null): RunningSample => ({
  id,
  name: 'default',
  size,
  startedAt: NOW - age,
  progressPercent: null,
});

function inputs(over: Partial<PositionInputs>): PositionInputs {
  return {
    job: { id: 'me', queue: 'q', name: 'default', state: 'queued', priority: 2, runAt: NOW, size: null } as PositionInputs['job'],
    ahead: 0,
    aheadWork: [],
    aheadWorkOf: 0,
    aheadJobs: [],
    dueAhead: [],
    running: [],
    recent,
    config: { name: 'q', concurrency: 3, maxSize: null, paused: false, maxStalls: 1, draining: false },
    liveWorkers: [{ id: 'w', queue: 'q', host: 'h', pid: 1, concurrency: 3, startedAt: NOW, lastSeenAt: NOW }],
    ...over,
  };
}

const models = buildModels(recent);
const m = { models, fallback: null, ownMs: 1 };

describe('sampled start of a job behind few jobs', () => {
  it('with three slots busy, starts when the first of them frees: sooner than the shortest median remainder', () => {
    const busy = [running('a', 15_000), running('b', 15_000), running('c', 15_000)];
    const sampled = sampledStartOffset(inputs({ running: busy }), m, 3, NOW)!;
    const eachMedian = residualMs(
      [...RUNS, ...RUNS].sort((x, y) => x - y),
      15_000,
    )!;
    expect(sampled).toBeGreaterThan(0);
    expect(sampled).toBeLessThan(eachMedian);
    // The remainders drawn are runs longer than 15 s less 15 s: the first to free is at least 5 s away.
    expect(sampled).toBeGreaterThanOrEqual(5_000);
  });

  it('gives the same answer for the same data, and the estimate uses it', () => {
    const data = inputs({
      running: [running('a', 15_000)],
      ahead: 2,
      aheadJobs: [
        { name: 'default', size: null },
        { name: 'default', size: null },
      ],
    });
    expect(sampledStartOffset(data, m, 1, NOW)).toBe(sampledStartOffset(data, m, 1, NOW));
    expect(estimateEta({ ...data, config: { ...data.config, concurrency: 1 } }, NOW)?.startsInMs).toBe(Math.round(sampledStartOffset(data, m, 1, NOW)!));
  });

  it('is not used when the jobs ahead are not listed, or too many to draw', () => {
    expect(sampledStartOffset(inputs({ aheadJobs: null }), m, 3, NOW)).toBeNull();
    const many = Array.from({ length: 400 }, () => ({ name: 'default', size: null }));
    expect(sampledStartOffset(inputs({ ahead: 400, aheadJobs: many }), m, 3, NOW)).toBeNull();
  });
});
