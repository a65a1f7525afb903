/**
 * A settle the storage rejects for a reason that is not transient must neither hold the other
 * outcomes of its batch hostage nor wedge the worker (before, the batch was put back and retried
 * forever, and no job ran again). Each outcome is then settled on its own; one the storage still
 * rejects is settled `failed` with no retry and a `SETTLE_REJECTED` error in its record; one that
 * cannot even be failed is left to its lease (the reclaim sweep takes it back) and reported.
 * @internal
 * @module
 */
import { SettleRejectedError } from '../errors.js';
import type { JobErrorInfo } from '../job-record.js';
import type { SettleResult, Storage } from '../storage.js';
import type { Outcome } from './attempt.js';
import { groupOutcomes, withStorageRetry } from './settle.js';

/** What settling apart needs from its worker. @internal */
export interface RescueContext {
  storage: Storage;
  queue: string;
  now: () => number;
  report: (err: Error) => void;
}

type Settleable = Exclude<Outcome, { kind: 'dropped' }>;

function settleOne(ctx: RescueContext, outcome: Settleable): Promise<SettleResult> {
  return withStorageRetry(() => ctx.storage.settle({ queue: ctx.queue, now: ctx.now(), ...groupOutcomes([outcome]) }), ctx.report);
}

/** The `failed` outcome recording that the storage refused `outcome`. */
async function rejectedAsFailed(ctx: RescueContext, outcome: Settleable, cause: unknown): Promise<Settleable> {
  const why = cause instanceof Error ? cause.message : String(cause);
  const job = await ctx.storage.getJob({ queue: ctx.queue, id: outcome.item.id }).catch(() => null);
  const error: JobErrorInfo = {
    name: 'SettleRejectedError',
    code: 'SETTLE_REJECTED',
    message: `the storage refused to record this attempt's outcome (${outcome.kind}): ${why}`.slice(0, 2_000),
    attempt: job?.attempt ?? 0,
    at: ctx.now(),
  };
  return { kind: 'failed', item: { id: outcome.item.id, leaseToken: outcome.item.leaseToken, error, retryAt: null } };
}

/**
 * Settles each outcome alone after its batch was rejected by `batchError`; returns what was
 * settled and lost, as one batch would have. Never throws.
 * @internal
 */
export async function settleApart(ctx: RescueContext, outcomes: readonly Outcome[]): Promise<SettleResult> {
  const merged: SettleResult = { settled: [], lost: [], claimed: [] };
  for (const outcome of outcomes) {
    if (outcome.kind === 'dropped') continue;
    const result = await settleOne(ctx, outcome).catch(async (err: unknown) => {
      ctx.report(
        new SettleRejectedError(outcome.item.id, `settling job "${outcome.item.id}" as ${outcome.kind} was refused: it is failed instead`, { cause: err }),
      );
      const failed = await rejectedAsFailed(ctx, outcome, err);
      return settleOne(ctx, failed).catch((again: unknown) => {
        ctx.report(
          new SettleRejectedError(outcome.item.id, `job "${outcome.item.id}" could not be failed either: its lease will expire and the sweep takes it back`, {
            cause: again,
          }),
        );
        return undefined;
      });
    });
    if (result === undefined) continue;
    merged.settled.push(...result.settled);
    merged.lost.push(...result.lost);
  }
  return merged;
}
