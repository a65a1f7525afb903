/**
 * The time a closing worker gives its last storage calls once its handlers are done: settling
 * what finished, stopping the heartbeat, deregistering. With the storage down each call would
 * retry for seconds, and `close()` would take minutes; past the deadline retries stop and the
 * remaining calls get a short last chance. What is not settled then is not lost: the jobs' leases
 * expire and another worker runs them again (at-least-once).
 * @internal
 * @module
 */

/** The shortest time the last calls get, whatever the grace. @internal */
export const MIN_CLOSE_CALLS_MS = 1_000;

/** A deadline that starts at a moment of the close, and what waits on it. @internal */
export class CloseDeadline {
  private at = Number.POSITIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** True once the deadline has passed: retries of storage calls stop. */
  get passed(): boolean {
    return Date.now() >= this.at;
  }

  /** Starts the deadline `ms` from now (at least {@link MIN_CLOSE_CALLS_MS}). */
  start(ms: number): void {
    this.at = Date.now() + Math.max(ms, MIN_CLOSE_CALLS_MS);
  }

  /**
   * Waits for `work` until the deadline, or {@link MIN_CLOSE_CALLS_MS} when it has passed; the
   * work goes on unawaited past that (its failure is the caller's to report).
   */
  async race(work: Promise<unknown> | undefined): Promise<void> {
    if (work === undefined) return;
    const wait = Math.max(this.at - Date.now(), MIN_CLOSE_CALLS_MS);
    await Promise.race([work.catch(() => undefined), new Promise<void>((r) => (this.timer = setTimeout(r, wait)))]);
    clearTimeout(this.timer);
  }
}

/** Waits while `busy()` holds, at most `ms`, looking every 10 ms. @internal */
export async function waitWhile(busy: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
