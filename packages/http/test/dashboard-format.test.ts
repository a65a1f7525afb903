/**
 * The dashboard's pure helpers, outside a browser: clock times that say the day when it is not
 * today, and chart scales that keep their window and their labels at any size.
 */
import { describe, expect, it } from 'vitest';
import { COUNT_INCRS, MS_INCRS, xRange } from '../dashboard/charts.js';
import { formatClock } from '../dashboard/format.js';

describe('formatClock', () => {
  const now = new Date(2026, 11, 2, 9, 30).getTime();

  it('is the clock time alone today, and has the date on another day', () => {
    expect(formatClock(now + 60_000, now)).not.toMatch(/Dec/);
    const inThreeDays = formatClock(new Date(2026, 11, 5, 9, 30, 5).getTime(), now);
    expect(inThreeDays).toMatch(/Sat/);
    expect(inThreeDays).toMatch(/5/);
    expect(formatClock(new Date(2025, 11, 5).getTime(), now)).toMatch(/2025/);
    expect(formatClock(null, now)).toBe('–');
  });
});

describe('chart scales', () => {
  it('spans the history window, whatever the points (one point alone included)', () => {
    const range = xRange(() => [1_000_000, 1_003_540]);
    expect(range(undefined as never, 1_002_000, 1_002_000 + 86_400_000, 'x')).toEqual([999_970, 1_003_570]);
  });

  it('has tick steps for a billion jobs a minute and waits of weeks', () => {
    expect(Math.max(...COUNT_INCRS)).toBeGreaterThanOrEqual(1e9);
    expect(COUNT_INCRS).toContain(50_000);
    expect(MS_INCRS).toContain(6 * 3_600_000);
    expect(Math.max(...MS_INCRS)).toBeGreaterThanOrEqual(7 * 86_400_000);
  });
});
