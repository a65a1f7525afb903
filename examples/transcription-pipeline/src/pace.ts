/**
 * Pacing and cooperative cancellation for long-running stages.
 *
 * The analysis itself runs far faster than real time on a modern core, so a stage can be given a
 * wall-clock budget: {@link Pacer.at} sleeps until `fraction` of the budget has passed, turning the
 * demo's `--speed` (audio seconds per wall second) into predictable run times. Every wait also
 * yields to the event loop (heartbeats, status polls, the terminal view) and checks the signal.
 */

/** Throws the signal's reason when it has been aborted (the Waitline error saying why). */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Spreads a stage over a wall-clock budget; a budget of 0 means "as fast as the CPU allows". */
export class Pacer {
  private readonly startedAt = performance.now();

  constructor(private readonly budgetMs: number) {}

  /** Waits until `fraction` (0..1) of the budget has elapsed; always yields at least once. */
  async at(fraction: number, signal: AbortSignal): Promise<void> {
    const due = this.startedAt + this.budgetMs * Math.min(1, Math.max(0, fraction));
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait, signal);
    else await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(signal);
  }
}

/** Calls `report(percent)` only when the percentage has moved by at least `step` since the last call. */
export function throttledPercent(step: number, report: (percent: number) => Promise<void>): (percent: number) => Promise<void> {
  let last = Number.NEGATIVE_INFINITY;
  return async (percent) => {
    const rounded = Math.floor(percent);
    if (rounded - last < step && rounded < 100) return;
    last = rounded;
    await report(rounded);
  };
}
