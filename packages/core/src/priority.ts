/**
 * Priorities: higher numbers run first; within one priority, jobs run first in, first out.
 * @module
 */

/** The named priority levels. Any integer from {@link MIN_PRIORITY} to {@link MAX_PRIORITY} is valid. */
export const priority = {
  low: 1,
  normal: 2,
  high: 3,
  urgent: 4,
} as const;

/** A named priority level. */
export type PriorityName = keyof typeof priority;

/** The lowest priority a job may carry. */
export const MIN_PRIORITY = 1;
/**
 * The highest priority a job may carry. Bounded so that every storage (including Redis, whose
 * sorted-set score packs the priority) orders the whole range exactly.
 */
export const MAX_PRIORITY = 1000;
/** The priority of a job added without one. */
export const DEFAULT_PRIORITY = priority.normal;

/** True when `value` is an integer priority inside the supported range. */
export function isValidPriority(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_PRIORITY && value <= MAX_PRIORITY;
}
