/**
 * Worker registrations: one prefix-wide hash, worker id -> JSON. Workers are not job state, so
 * they need not share a slot with any queue. The live-workers read that statistics and the ETA use
 * is here too, beside the hash it reads (SQLite and Postgres keep it in reads.ts).
 * @module
 * @internal
 */
import type { RegisterWorkerParams, WorkerInfo } from '@waitline/core';
import type { RedisContext } from './context.js';
import { toWorkerInfo } from './rows.js';

/** Inserts the worker or refreshes it, keeping its first `startedAt`. @internal */
export async function registerWorker(ctx: RedisContext, p: RegisterWorkerParams): Promise<void> {
  const rest = JSON.stringify({ id: p.id, queue: p.queue, host: p.host, pid: p.pid, concurrency: p.concurrency, lastSeenAt: p.now });
  await ctx.onKeys('registerWorker', [ctx.keys.workers], [p.id, String(p.now), rest]);
}

/** Forgets a worker; an unknown id is fine. @internal */
export async function deregisterWorker(ctx: RedisContext, id: string): Promise<void> {
  await ctx.client.hdel(ctx.keys.workers, id);
}

/** The workers of `queue` seen since `now - staleMs`, oldest start first. @internal */
export async function liveWorkers(ctx: RedisContext, queue: string, now: number, staleMs: number): Promise<WorkerInfo[]> {
  const all = Object.values(await ctx.client.hgetall(ctx.keys.workers)).map(toWorkerInfo);
  return all.filter((w) => w.queue === queue && w.lastSeenAt >= now - staleMs).sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
}
