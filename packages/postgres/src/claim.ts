/**
 * Claiming: one round trip through the claim function of `sql/functions/claim.sql`, which checks
 * pause, global concurrency and the rate limit and leases by the ordering rule (a grouped queue:
 * its groups in turns, `sql/functions/groups-claim.sql`); and the reading of its rows, which the
 * settle-and-claim shares.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { compareJobOrder, type ClaimParams, type JobRecord } from '@waitline/core';
import type { PgContext } from './context.js';
import { type JobJson, type NextStartJson, toJobRecord } from './rows.js';

function isReport(row: JobJson | NextStartJson): row is NextStartJson {
  return 'next_start_at' in row || 'in_order' in row;
}

/**
 * The claim function's rows as records in claim order, and the rate limits' report if any. An
 * ungrouped claim's rows come in no order and are sorted by the ordering rule; a grouped claim's
 * rows (marked `in_order`) come in claim order and are kept so. @internal
 */
export function claimResult(rows: ReadonlyArray<JobJson | NextStartJson>): { claimed: JobRecord[]; nextStartAt?: number } {
  const claimed: JobRecord[] = [];
  let nextStartAt: number | undefined;
  let inOrder = false;
  for (const row of rows) {
    if (!isReport(row)) claimed.push(toJobRecord(row));
    else if ('in_order' in row) inOrder = true;
    else nextStartAt = Number(row.next_start_at);
  }
  if (!inOrder) claimed.sort(compareJobOrder);
  return nextStartAt === undefined ? { claimed } : { claimed, nextStartAt };
}

/** Leases up to `p.limit` ready jobs (see the claim function's header); records in claim order. @internal */
export async function claim(ctx: PgContext, p: ClaimParams): Promise<JobRecord[]> {
  const limit = Math.floor(p.limit);
  if (!(limit > 0)) return [];
  const rows = await ctx.rows('claim', [p.queue, p.now, p.workerId, limit, p.leaseMs, randomUUID()]);
  return claimResult(rows.map((r) => r.job)).claimed;
}
