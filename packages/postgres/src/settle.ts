/**
 * Settling: the transitions out of `running` and the claim into the freed slots, in one
 * transaction and one round trip through the settle function of `sql/functions/settle.sql`. Every
 * item is guarded by its lease token in the same statement: a guard miss writes nothing.
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { SettleParams, SettleResult } from '@waitline/core';
import { claimResult } from './claim.js';
import type { PgContext } from './context.js';
import { toJobRecord } from './rows.js';

/** A settle list as the function's JSON argument, or null when empty. */
function listJson<T>(items: T[] | undefined, map: (item: T) => Record<string, unknown>): string | null {
  return items && items.length > 0 ? JSON.stringify(items.map(map)) : null;
}

/**
 * Settles every item and claims (when `p.claim`) in one transaction and one round trip; an item
 * whose lease guard missed lands in `lost` and was not written.
 * @internal
 */
export async function settle(ctx: PgContext, p: SettleParams): Promise<SettleResult> {
  const limit = p.claim ? Math.max(0, Math.floor(p.claim.limit)) : 0;
  const rows = await ctx.rows(ctx.settleCommit === 'async' ? 'settleAsync' : 'settle', [
    p.queue,
    p.now,
    listJson(p.completed, (c) => ({ id: c.id, token: c.leaseToken, result: c.result ?? null, started_at: c.startedAt ?? null })),
    listJson(p.failed, (f) => ({ id: f.id, token: f.leaseToken, error: f.error, retry_at: f.retryAt, started_at: f.startedAt ?? null })),
    listJson(p.cancelled, (c) => ({ id: c.id, token: c.leaseToken, error: c.error, started_at: c.startedAt ?? null })),
    listJson(p.released, (r) => ({ id: r.id, token: r.leaseToken })),
    p.claim?.workerId ?? null,
    limit,
    p.claim?.leaseMs ?? 0,
    randomUUID(),
  ]);
  const settled = rows.flatMap((r) => (r.kind === 'settled' ? [toJobRecord(r.job)] : []));
  const claim = claimResult(rows.flatMap((r) => (r.kind === 'claimed' ? [r.job] : [])));
  const done = new Set(settled.map((j) => j.id));
  const items = [...(p.completed ?? []), ...(p.failed ?? []), ...(p.cancelled ?? []), ...(p.released ?? [])];
  const lost = items.filter((i) => !done.has(i.id)).map((i) => i.id);
  const result: SettleResult = { settled, lost, claimed: claim.claimed };
  if (claim.nextStartAt !== undefined) result.nextStartAt = claim.nextStartAt;
  return result;
}
