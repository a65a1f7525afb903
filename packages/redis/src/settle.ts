/**
 * Settling: the transitions out of `running` and the claim into the freed slots, in one script
 * (see the header of `lua/scripts/settle.lua`). Every item is guarded by its lease token inside
 * the script: a guard miss writes nothing.
 * @module
 * @internal
 */
import type { SettleParams, SettleResult } from '@waitline/core';
import { claimArgs } from './claim.js';
import { optionalArg, type RedisContext } from './context.js';
import { toJobRecords } from './rows.js';
import type { ScriptArg } from './scripts.js';

function settleItems(p: SettleParams): ScriptArg[] {
  const items: ScriptArg[] = [];
  for (const c of p.completed ?? []) items.push(c.id, c.leaseToken, JSON.stringify(c.result ?? null), optionalArg(c.startedAt));
  for (const f of p.failed ?? []) items.push(f.id, f.leaseToken, JSON.stringify(f.error), optionalArg(f.retryAt), optionalArg(f.startedAt));
  for (const c of p.cancelled ?? []) items.push(c.id, c.leaseToken, c.error ? JSON.stringify(c.error) : '', optionalArg(c.startedAt));
  for (const r of p.released ?? []) items.push(r.id, r.leaseToken);
  return items;
}

/** Settles every item and claims into the freed slots, in one script. @internal */
export async function settleJobs(ctx: RedisContext, p: SettleParams): Promise<SettleResult> {
  const counts = [p.completed, p.failed, p.cancelled, p.released].map((list) => String(list?.length ?? 0));
  const limit = p.claim ? Math.max(0, Math.floor(p.claim.limit)) : 0;
  const claim = p.claim && limit > 0 ? claimArgs({ ...p.claim, now: p.now }) : ['', '', ''];
  const args = [String(p.now), ...counts, String(limit), ...claim, ...settleItems(p)];
  const [settled, lost, claimed, nextStartAt] = await ctx.onQueue('settle', p.queue, args);
  const result: SettleResult = { settled: toJobRecords(p.queue, settled), lost, claimed: toJobRecords(p.queue, claimed) };
  if (typeof nextStartAt === 'string') result.nextStartAt = Number(nextStartAt);
  return result;
}
