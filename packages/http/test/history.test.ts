import { describe, expect, it } from 'vitest';
import { PredictionLog } from '../src/history.js';

const queued = (id: string) => ({
  id,
  state: 'queued' as const,
  eta: { startsInMs: 1_000, finishesInMs: 2_000, low: 1_500, high: 2_500, basis: 'history' as const },
  startedAt: null,
});
const started = (id: string, at: number) => ({ id, state: 'running' as const, eta: null, startedAt: at });

describe('PredictionLog', () => {
  it('holds a bounded number of points when statuses are read and no history ever is', () => {
    const log = new PredictionLog();
    for (let i = 0; i < 20_000; i++) {
      log.note(queued(`j${i}`), i * 10);
      log.note(started(`j${i}`, i * 10 + 5), i * 10 + 5);
    }
    expect(log.pointCount).toBeLessThanOrEqual(4_000);
    const shown = log.pointsSince(0, []);
    expect(shown).toHaveLength(2_000);
    expect(shown.at(-1)?.jobId).toBe('j19999');
  });
});
