/**
 * Worker registration: a worker's row in `workers`, written by its heartbeat and deleted when it
 * stops. The live-workers read that statistics and the ETA use is in reads.ts.
 * @module
 * @internal
 */
import type { RegisterWorkerParams } from '@waitline/core';
import type { PgContext } from './context.js';

/** Inserts the worker or refreshes its `lastSeenAt`. @internal */
export async function registerWorker(ctx: PgContext, p: RegisterWorkerParams): Promise<void> {
  await ctx.rows('registerWorker', [p.id, p.queue, p.host, p.pid, p.concurrency, p.now]);
}

/** Removes the worker; an unknown id is fine. @internal */
export async function deregisterWorker(ctx: PgContext, id: string): Promise<void> {
  await ctx.rows('deregisterWorker', [id]);
}
