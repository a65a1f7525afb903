/**
 * Noticing that the data is gone. A Redis restarted without persistence, or a `FLUSHALL` /
 * `FLUSHDB`, wipes every job while the processes using it go on; without this, workers only see
 * their leases vanish. The prefix's epoch (a random id `migrate` writes when the prefix has none)
 * is what this storage saw at open: once a `Queue` or `Worker` listens (`notifier.onReset`), the
 * storage reads it again every `resetCheckMs` (one `HGET`) and after every reconnect (a restart
 * always drops the connection). Gone or changed means the data was wiped (or the key evicted):
 * the storage migrates again (schema version and a new epoch, atomically, so processes finding
 * the same reset agree), calls its listeners (queues write their configuration back, workers
 * report the error) and logs one line. A storage nobody listens to (a heartbeat thread's) does not
 * look, so a reset is reported once per process that holds a queue.
 *
 * Specific to Redis, so a module of its own: SQLite and Postgres keep what they commit, and a
 * dropped database fails their calls instead.
 * @module
 * @internal
 */
import { StorageResetError } from '@waitline/core';
import type { RedisContext } from './context.js';
import { ensureSchema, readEpoch } from './migrate.js';
import { isTransientRedisError } from './errors.js';
import type { Reporting } from './reporting.js';

/** A reset listener (see `Notifier.onReset`). @internal */
export type ResetListener = (error: StorageResetError) => unknown;

/** Watches one storage's prefix for a wipe. @internal */
export class ResetWatch {
  /** The epoch this storage last saw; set by `open`. */
  epoch = '';
  private readonly listeners = new Set<ResetListener>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private closed = false;
  private lastFailure = '';
  private readonly onReady = (): void => void this.check();

  constructor(
    private readonly ctx: RedisContext,
    private readonly reporting: Reporting,
    private readonly where: string,
  ) {}

  /** Adds a listener; the first starts the watch, removing the last stops it. */
  listen(listener: ResetListener): () => void {
    this.listeners.add(listener);
    this.start();
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.stop();
    };
  }

  /** Stops for good (the storage closes). */
  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.stop();
  }

  /** Compares the stored epoch with the one seen, at most one comparison at a time. */
  check(): Promise<void> {
    this.checking ??= this.compare()
      .catch((err: unknown) => this.failed(err))
      .finally(() => {
        this.checking = undefined;
      });
    return this.checking;
  }

  private start(): void {
    if (this.timer || this.closed) return;
    this.ctx.client.on('ready', this.onReady);
    this.timer = setInterval(this.onReady, this.reporting.resetCheckMs);
    this.timer.unref?.();
  }

  private stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.ctx.client.off('ready', this.onReady);
  }

  private async compare(): Promise<void> {
    if (this.closed || this.epoch === '') return;
    const found = await readEpoch(this.ctx);
    if (found === this.epoch || this.closed) return;
    this.epoch = await ensureSchema(this.ctx, true);
    const how = found === null ? 'its epoch key is gone' : 'its epoch key changed (another process found the wipe first)';
    const error = new StorageResetError(
      `Redis storage ${this.where} lost its data: ${how}. The server restarted without persistence, was flushed (FLUSHALL / FLUSHDB) or evicted the key: jobs, queue configuration and worker registrations written before are gone`,
    );
    const outcomes = await Promise.allSettled([...this.listeners].map(async (listener) => listener(error)));
    this.report(error, outcomes);
  }

  private report(error: StorageResetError, outcomes: PromiseSettledResult<unknown>[]): void {
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason instanceof Error ? o.reason.message : String(o.reason)] : []));
    const restored =
      failures.length === 0
        ? 'wrote the schema again and each live Queue its configuration from its options (concurrency, maxSize, maxStalls; not a pause)'
        : `wrote the schema again; ${failures.length} of ${outcomes.length} listeners failed (a Queue retries its configuration at its next add): ${failures.join('; ')}`;
    this.reporting.logger.warn(`${error.message}. @waitline/redis ${restored}`, error);
  }

  /** A transient failure waits for the next check; anything else is logged (not again and again). */
  private failed(err: unknown): void {
    if (this.closed || isTransientRedisError(err)) return;
    const detail = err instanceof Error ? err.message : String(err);
    if (detail === this.lastFailure) return;
    this.lastFailure = detail;
    this.reporting.logger.warn(
      `@waitline/redis could not check or restore storage ${this.where} after a reset: ${detail}`,
      err instanceof Error ? err : undefined,
    );
  }
}
