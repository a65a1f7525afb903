/**
 * Retention: how long finished jobs are kept. A policy is validated by core, stored per queue by
 * the storage (so every process prunes by the same rule) and applied by whichever worker holds
 * the queue's housekeeping lease (see `retention/prune.ts`).
 * @module
 */
import { z } from 'zod';

/** The finished states a retention policy can prune. */
export const RETENTION_STATES = ['completed', 'failed', 'cancelled'] as const;

/** A finished state a retention policy can prune. */
export type RetentionState = (typeof RETENTION_STATES)[number];

/**
 * How many jobs of one finished state are kept: a job is removed once it finished more than
 * `maxAgeMs` ago, or once `maxCount` newer jobs of its state finished (whichever comes first).
 * Either may be left out; a rule with neither keeps everything.
 */
export interface RetentionRule {
  /** Remove jobs finished longer ago than this (ms): an integer from 0 to 10 years. */
  maxAgeMs?: number;
  /** Keep at most this many of the newest jobs (by finish time) of the state: an integer from 0 to 10^9. */
  maxCount?: number;
}

/**
 * A queue's retention: one rule per finished state; a state left out is kept forever. Queued and
 * running jobs are never removed by retention.
 */
export type RetentionPolicy = Partial<Record<RetentionState, RetentionRule>>;

const TEN_YEARS_MS = 10 * 365 * 24 * 3_600_000;

const ruleSchema = z
  .object({
    maxAgeMs: z.number().int().min(0).max(TEN_YEARS_MS).optional(),
    maxCount: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict();

/** The zod schema of a {@link RetentionPolicy}, as queue options validate it. @internal */
export const retentionSchema = z.object({ completed: ruleSchema.optional(), failed: ruleSchema.optional(), cancelled: ruleSchema.optional() }).strict();

/** The policy with only the rules that limit something, in state order; null when none does. @internal */
export function normalizeRetention(policy: RetentionPolicy | null | undefined): RetentionPolicy | null {
  if (policy === null || policy === undefined) return null;
  const out: RetentionPolicy = {};
  for (const state of RETENTION_STATES) {
    const rule = policy[state];
    if (rule === undefined || (rule.maxAgeMs === undefined && rule.maxCount === undefined)) continue;
    const kept: RetentionRule = {};
    if (rule.maxAgeMs !== undefined) kept.maxAgeMs = rule.maxAgeMs;
    if (rule.maxCount !== undefined) kept.maxCount = rule.maxCount;
    out[state] = kept;
  }
  return Object.keys(out).length === 0 ? null : out;
}
