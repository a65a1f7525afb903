/**
 * Claiming: one round trip through the claim function of `sql/functions/claim.sql`, which checks
 * pause, global concurrency and the rate limit and leases by the ordering rule; and the reading of
 * its rows, which the settle-and-claim shares.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { compareJobOrder, type ClaimParams, type JobRecord } from '@waitline/core';
import type { PgContext } from './context.js';
import { type JobJson, toJobRecord } from './rows.js';

/** The claim function's report row: when the rate limit held the claim back, the next start. @internal */
export interface NextStartJson {
  next_start_at: number;
}

function isNextStart(row: JobJson | NextStartJson): row is NextStartJson {
  return 'next_start_at' in row;
}

/** The claim function's rows as records in claim order, and the rate limit's report if any. @internal */
export function claimResult(rows: ReadonlyArray<JobJson | NextStartJson>): { claimed: JobRecord[]; nextStartAt?: number } {
  const claimed: JobRecord[] = [];
  let nextStartAt: number | undefined;
  for (const row of rows) {
    if (isNextStart(row)) nextStartAt = Number(row.next_start_at);
    else claimed.push(toJobRecord(row));
  }
  claimed.sort(compareJobOrder);
  return nextStartAt === undefined ? { claimed } : { claimed, nextStartAt };
}

/** Leases up to `p.limit` ready jobs (see the claim function's header); records in claim order. @internal */
export async function claim(ctx: PgContext, p: ClaimParams): Promise<JobRecord[]> {
  const limit = Math.floor(p.limit);
  if (!(limit > 0)) return [];
  const rows = await ctx.rows<{ job: JobJson | NextStartJson }>('claim', [p.queue, p.now, p.workerId, limit, p.leaseMs, randomUUID()]);
  return claimResult(rows.map((r) => r.job)).claimed;
}
