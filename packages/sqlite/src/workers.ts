/**
 * Worker registration: a worker's row in `workers`, written by its heartbeat and deleted when it
 * stops. The live-workers read that statistics and the ETA use is in reads.ts.
 * @module
 * @internal
 */
import type { RegisterWorkerParams } from '@waitline/core';
import type { SqliteContext } from './context.js';

/** Registers a worker or refreshes its `lastSeenAt`; `startedAt` is kept. One statement. @internal */
export function registerWorker(ctx: SqliteContext, p: RegisterWorkerParams): void {
  ctx.stmt('registerWorker').run({
    id: p.id,
    queue: p.queue,
    host: p.host,
    pid: p.pid,
    concurrency: p.concurrency,
    now: p.now,
  });
}

/** Forgets a worker; an unknown id is not an error. One statement. @internal */
export function deregisterWorker(ctx: SqliteContext, id: string): void {
  ctx.stmt('deregisterWorker').run({ id });
}
