/**
 * Waiting for a condition that lives in the storage: re-check on every wake-up (an event) and at
 * least every `pollMs`, so a missed notification only costs latency, never correctness.
 * @internal
 * @module
 */
import { WaitlineError } from './errors.js';

/** Options of {@link waitUntil}. @internal */
export interface WaitOptions {
  pollMs: number;
  timeoutMs?: number | undefined;
  /** Subscribes to wake-ups; returns an unsubscribe function. */
  subscribe?: (wake: () => void) => () => void;
  /** What the timeout error says is being waited for. */
  what: string;
}

/** Resolves with the first defined value `check` returns. @internal */
export function waitUntil<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let running = false;
    let again = false;
    let poll: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(poll);
      clearTimeout(deadline);
      unsubscribe?.();
      fn();
    };
    const run = async (): Promise<void> => {
      if (done) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      clearTimeout(poll);
      try {
        const value = await check();
        if (value !== undefined) return finish(() => resolve(value));
      } catch (err) {
        return finish(() => reject(err));
      } finally {
        running = false;
      }
      if (again) {
        again = false;
        void run();
      } else if (!done) poll = setTimeout(run, options.pollMs);
    };
    const unsubscribe = options.subscribe?.(() => void run());
    if (options.timeoutMs !== undefined) {
      deadline = setTimeout(
        () => finish(() => reject(new WaitlineError('WAIT_TIMEOUT', `timed out after ${options.timeoutMs} ms waiting for ${options.what}`))),
        options.timeoutMs,
      );
    }
    void run();
  });
}
