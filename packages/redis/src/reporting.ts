/**
 * How a `RedisStorage` reports what no call returns (the server check at open, each reset it
 * finds), and how often it looks for a reset.
 *
 * Specific to Redis, so a module of its own: the options of server-check.ts and reset-watch.ts.
 * @module
 * @internal
 */
import { defaultLogger, type Logger, ValidationError } from '@waitline/core';

/** The reporting options, resolved. @internal */
export interface Reporting {
  logger: Logger;
  checkServer: boolean;
  resetCheckMs: number;
}

/** How often a storage in use compares the prefix's epoch with the one it saw, by default. @internal */
export const DEFAULT_RESET_CHECK_MS = 5_000;
/** The logger of every storage given none: one per process, so its rate limit and dedupe span them all. */
const SHARED_LOGGER = defaultLogger();
/** Node's timers hold at most this many ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function invalid(field: string, message: string, value: unknown): ValidationError {
  const text = `RedisStorage option ${field} ${message} (got ${typeof value === 'function' ? 'a function' : String(value)})`;
  return new ValidationError(text, [{ path: [field], message }]);
}

/** Checks and defaults `logger`, `checkServer` and `resetCheckMs`. @internal */
export function resolveReporting(options: { logger?: unknown; checkServer?: unknown; resetCheckMs?: unknown }): Reporting {
  const { logger = SHARED_LOGGER, checkServer = true, resetCheckMs = DEFAULT_RESET_CHECK_MS } = options;
  if (typeof logger !== 'object' || logger === null || typeof (logger as Logger).warn !== 'function') {
    throw invalid('logger', 'must be an object with a warn(message, error?) method', logger);
  }
  if (typeof checkServer !== 'boolean') throw invalid('checkServer', 'must be a boolean', checkServer);
  if (typeof resetCheckMs !== 'number' || !Number.isInteger(resetCheckMs) || resetCheckMs < 10 || resetCheckMs > MAX_TIMER_MS) {
    throw invalid('resetCheckMs', `must be an integer from 10 to ${MAX_TIMER_MS}`, resetCheckMs);
  }
  return { logger: logger as Logger, checkServer, resetCheckMs };
}
