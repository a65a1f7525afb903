/**
 * Where errors go that nobody listens to. A `Worker` (and any other emitter of `error` events)
 * hands an error with no listener to a {@link Logger} instead of dropping it; the default writes
 * to `console.warn`, at most a few lines per interval, so a storage outage cannot flood a log.
 * @module
 */

/** Receives errors and warnings that no `error` listener took. */
export interface Logger {
  /** Called with a one-line summary and the error itself. Must not throw. */
  warn(message: string, error?: Error): void;
}

/** Options of {@link rateLimitedLogger}. */
export interface RateLimitOptions {
  /** At most this many lines per window; the rest are counted and summed up in the next line. Default 5. */
  maxPerWindow?: number;
  /** The window in ms. Default 60 000. */
  windowMs?: number;
  /** Time source, for tests. */
  now?: () => number;
}

/**
 * Wraps `target` so that at most `maxPerWindow` lines per `windowMs` pass; the first line after
 * a quiet spell says how many were suppressed. The default logger is this around `console.warn`.
 */
export function rateLimitedLogger(target: Logger, options: RateLimitOptions = {}): Logger {
  const max = options.maxPerWindow ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let windowStart = Number.NEGATIVE_INFINITY;
  let sent = 0;
  let suppressed = 0;
  return {
    warn(message, error) {
      const t = now();
      if (t - windowStart >= windowMs) {
        windowStart = t;
        sent = 0;
      }
      if (sent >= max) {
        suppressed += 1;
        return;
      }
      sent += 1;
      const note = suppressed > 0 ? ` (${suppressed} similar message${suppressed === 1 ? '' : 's'} suppressed)` : '';
      suppressed = 0;
      try {
        target.warn(`${message}${note}`, error);
      } catch {
        // A logger must never take the worker down.
      }
    },
  };
}

/** The logger used when none is given: `console.warn`, rate-limited. */
export function defaultLogger(): Logger {
  return rateLimitedLogger({ warn: (message, error) => console.warn(`[waitline] ${message}`, error ?? '') });
}

/** Describes an error in one line: its class, code and message. @internal */
export function describeError(err: Error): string {
  const code = (err as { code?: unknown }).code;
  return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}`;
}
