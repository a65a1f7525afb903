/**
 * `--older-than 48h`: durations as a number and a unit (ms, s, m, h, d), or several (`1h30m`).
 * @module
 */
import { MAX_DELAY_MS, ValidationError } from '@waitline/core';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration into ms; a `ValidationError` at `path` when it is not one or is over `MAX_DELAY_MS`. */
export function parseDuration(value: string, path: string[]): number {
  const parts = [...value.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const whole = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || whole !== value.trim()) {
    throw new ValidationError(`"${value}" is not a duration such as 48h, 30m, 90s, 1h30m or 500ms`, [{ path, message: 'not a duration' }]);
  }
  const ms = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0));
  if (ms > MAX_DELAY_MS) throw new ValidationError(`"${value}" is longer than 100 years`, [{ path, message: 'too long' }]);
  return ms;
}
