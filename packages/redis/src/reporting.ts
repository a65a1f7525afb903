/**
 * How a `RedisStorage` reports what no call returns (the server check at open, each reset it
 * finds), and how often it looks for a reset.
 * @module
 * @internal
 */
import { ValidationError } from '@waitline/core';
import type { RedisLogger } from './connection.js';

/** The reporting options, resolved. @internal */
export interface Reporting {
  logger: RedisLogger;
  checkServer: boolean;
  resetCheckMs: number;
}

/** How often a storage in use compares the prefix's epoch with the one it saw, by default. @internal */
export const DEFAULT_RESET_CHECK_MS = 5_000;
/** Node's timers hold at most this many ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function invalid(field: string, message: string, value: unknown): ValidationError {
  const text = `RedisStorage option ${field} ${message} (got ${typeof value === 'function' ? 'a function' : String(value)})`;
  return new ValidationError(text, [{ path: [field], message }]);
}

/** Checks and defaults `logger`, `checkServer` and `resetCheckMs`. @internal */
export function resolveReporting(options: { logger?: unknown; checkServer?: unknown; resetCheckMs?: unknown }): Reporting {
  const { logger = console.warn, checkServer = true, resetCheckMs = DEFAULT_RESET_CHECK_MS } = options;
  if (typeof logger !== 'function') throw invalid('logger', 'must be a function (message, error?) => void', logger);
  if (typeof checkServer !== 'boolean') throw invalid('checkServer', 'must be a boolean', checkServer);
  if (typeof resetCheckMs !== 'number' || !Number.isInteger(resetCheckMs) || resetCheckMs < 10 || resetCheckMs > MAX_TIMER_MS) {
    throw invalid('resetCheckMs', `must be an integer from 10 to ${MAX_TIMER_MS}`, resetCheckMs);
  }
  return { logger: logger as RedisLogger, checkServer, resetCheckMs };
}
