/**
 * Claiming: pause, global concurrency, the rate limit and the ordering rule, checked and applied in
 * one script (see the header of `lua/scripts/claim.lua`).
 * @module
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { ClaimParams, JobRecord } from '@waitline/core';
import type { RedisContext } from './context.js';
import { toJobRecords } from './rows.js';
import type { ScriptArg } from './scripts.js';

/** The claim arguments shared by claim.lua and settle.lua: worker, token base, lease expiry. @internal */
export function claimArgs(p: Omit<ClaimParams, 'queue' | 'limit'>): ScriptArg[] {
  return [p.workerId, randomUUID(), String(p.now + p.leaseMs)];
}

/** Leases up to `limit` ready jobs in one script. @internal */
export async function claimJobs(ctx: RedisContext, p: ClaimParams): Promise<JobRecord[]> {
  const limit = Math.floor(p.limit);
  if (!(limit > 0)) return [];
  const reply = await ctx.onQueue('claim', p.queue, [String(p.now), String(limit), ...claimArgs(p)]);
  return toJobRecords(p.queue, reply);
}
