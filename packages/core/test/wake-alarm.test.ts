/**
 * The worker's timed wake-up: only the earliest armed time counts, so a delayed job's due time
 * announced by a notice cannot push back the wake-up a rate limit's next token asked for (nor the
 * reverse), a timer that fires before the clock reaches its time waits out the rest, and a closed
 * worker's alarm never fires.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WakeAlarm } from '../src/worker/wake-alarm.js';

describe('WakeAlarm', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wakes once at the earliest time armed; a later time does not push it back', () => {
    const wakes: number[] = [];
    const alarm = new WakeAlarm(() => wakes.push(Date.now()));
    const t0 = Date.now();
    alarm.arm(t0 + 100, t0);
    alarm.arm(t0 + 400, t0);
    alarm.arm(undefined, t0);
    vi.advanceTimersByTime(99);
    expect(wakes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(wakes).toEqual([t0 + 100]);
    vi.advanceTimersByTime(1_000);
    expect(wakes).toHaveLength(1);
  });

  it('an earlier time replaces a later one, and a cleared alarm never fires', () => {
    const wakes: number[] = [];
    const alarm = new WakeAlarm(() => wakes.push(Date.now()));
    const t0 = Date.now();
    alarm.arm(t0 + 400, t0);
    alarm.arm(t0 + 50, t0);
    vi.advanceTimersByTime(50);
    expect(wakes).toEqual([t0 + 50]);
    alarm.arm(t0 + 300, t0 + 50);
    alarm.clear();
    vi.advanceTimersByTime(1_000);
    expect(wakes).toEqual([t0 + 50]);
  });

  it('a timer that fires before the clock reaches its time waits out the rest (it woke early, and nothing woke it again)', () => {
    let clock = 1_000;
    const wakes: number[] = [];
    const alarm = new WakeAlarm(
      () => wakes.push(clock),
      () => clock,
    );
    alarm.arm(1_100, 1_000);
    // The clock moved, but is 3 ms short of the armed time when the 100 ms timer fires.
    clock = 1_097;
    vi.advanceTimersByTime(100);
    expect(wakes).toEqual([]);
    clock = 1_100;
    vi.advanceTimersByTime(3);
    expect(wakes).toEqual([1_100]);
  });

  it('a clock that does not move (a frozen test clock) wakes when the timer fires', () => {
    const wakes: number[] = [];
    const alarm = new WakeAlarm(
      () => wakes.push(1),
      () => 5_000,
    );
    alarm.arm(5_200, 5_000);
    vi.advanceTimersByTime(200);
    expect(wakes).toEqual([1]);
  });
});
