/**
 * A clock a test moves by hand.
 * @module
 */
import type { Clock } from '../clock.js';

/**
 * A {@link Clock} that stands still until told to move: give it to `MemoryStorage.open({ clock })`
 * (every `Queue` and `Worker` on that storage then reads it) and call {@link advance} to make
 * delays run out, leases expire or retries come due without waiting. It never goes backwards.
 */
export class ManualClock implements Clock {
  private current: number;

  /** Starts at `start` (ms since the epoch; the wall clock's time by default). */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  /** The time it was last set to. */
  now(): number {
    return this.current;
  }

  /** Moves the clock `ms` forward (a negative or non-finite `ms` throws `RangeError`); returns the new time. */
  advance(ms: number): number {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`ManualClock.advance needs a finite ms >= 0, got ${ms}`);
    this.current += ms;
    return this.current;
  }

  /** Moves the clock to `time` (earlier than now throws `RangeError`: the clock never goes back); returns it. */
  set(time: number): number {
    if (!(Number.isFinite(time) && time >= this.current)) {
      throw new RangeError(`ManualClock.set needs a finite time >= ${this.current}, got ${time}`);
    }
    this.current = time;
    return time;
  }
}
