/**
 * `Worker`: claims jobs of one queue, runs the handler, settles the outcome; keeps leases alive;
 * delivers cancels and timeouts through the handler's `AbortSignal`; shuts down gracefully.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EventEmitter } from 'eventemitter3';
import { checkHandler, checkQueue } from '../call-options.js';
import { isTransientStorageError, LeaseLostError } from '../errors.js';
import { defaultLogger, describeError, type Logger } from '../logger.js';
import type { WaitlineEventMap, WaitlineEventName } from '../events.js';
import type { LeaseKeeper } from '../heartbeat/keeper.js';
import type { JobRecord } from '../job-record.js';
import { parseWorkerOptions } from '../options.js';
import type { Queue } from '../queue.js';
import type { SettleResult, StorageNotice } from '../storage.js';
import { ActiveAttempt, type Outcome } from './attempt.js';
import { CancelCheck } from './cancel-check.js';
import { type HandlerContext, makeContext } from './context.js';
import { FairShare } from './fair-share.js';
import { type ResolvedWorkerOptions, resolveWorkerOptions } from './lease-defaults.js';
import { DrainedNotice } from './drained.js';
import { createLeaseKeeper } from './lease-keeping.js';
import { PrefetchBuffer, releaseOutcomes } from './prefetch.js';
import { WakeAlarm } from './wake-alarm.js';
import { ReclaimSweep } from './reclaim.js';
import { StepLoop } from './step-loop.js';
import { CloseDeadline, waitWhile } from './deadline.js';
import { settleApart } from './rescue.js';
import { emitSettled, settleOrClaim, withStorageRetry } from './settle.js';
import { traceAttempt } from './trace-attempt.js';
import type { Handler, WorkerEventMap, WorkerOptions } from './worker-options.js';
import { WebhookHooks } from '../webhooks/hooks.js';
import { QueueChores } from './chores.js';

export type { Handler, WorkerEventMap, WorkerOptions } from './worker-options.js';

/**
 * Runs jobs of one queue. At most `concurrency` at once here, and never more than the queue's
 * global concurrency across every worker. Job events are emitted on the queue. Every worker also
 * fires the queue's due schedule ticks (see `queue.schedule()`), racing the others: exactly one
 * fires each tick, and no tick fires while no worker of the queue runs. Likewise the worker holding
 * the queue's housekeeping lease applies its retention (option `retention`). The constructor
 * throws `ValidationError` for a `queue` that is not a `Queue` (path `['queue']`), a `handler` that
 * is not a function (`['handler']`) or bad options (`['options', ...]`), before anything runs.
 * @typeParam Payload - what the handler gets: the queue's stored payload (its schema's output).
 * @typeParam Input - the queue's add-side payload type (its schema's input); inferred from `queue`.
 */
export class Worker<Payload = unknown, Result = unknown, Input = Payload> extends EventEmitter<WorkerEventMap> {
  /** This worker's id, as registered in the storage. */
  readonly id: string;
  readonly concurrency: number;
  readonly leaseMs: number;
  private readonly options: ResolvedWorkerOptions;
  /** Jobs claimed ahead of the free slots (option `prefetch`). */
  private readonly prefetched: PrefetchBuffer;
  private readonly logger: Logger;
  private readonly active = new Map<string, ActiveAttempt>();
  private pending: Outcome[] = [];
  private keeper: LeaseKeeper | undefined;
  private readonly sweep: ReclaimSweep;
  private readonly webhooks: WebhookHooks;
  private claiming = false;
  /** Runs the settle-and-claim steps one at a time. */
  private readonly loop = new StepLoop(() => this.step());
  private readonly drained = new DrainedNotice();
  private readonly cancels: CancelCheck;
  private timers: NodeJS.Timeout[] = [];
  /** The earliest known moment work may appear: a rate limit's next token, a delayed job due. */
  private readonly alarm = new WakeAlarm(
    () => this.wake(),
    () => this.queue.clock.now(),
  );
  private unsubscribe: (() => void) | undefined;
  private offReset: (() => void) | undefined;
  private started: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly lastCalls = new CloseDeadline();
  private shares: FairShare | undefined;
  /** Fires due schedule ticks and applies retention, racing every other worker (see `chores.ts`). */
  private readonly chores: QueueChores;

  constructor(
    readonly queue: Queue<Payload, Result, Input>,
    private readonly handler: Handler<Payload, Result>,
    options: WorkerOptions = {},
  ) {
    super();
    checkQueue(queue);
    checkHandler(handler);
    parseWorkerOptions(options);
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.logger = options.logger ?? defaultLogger();
    this.options = resolveWorkerOptions(options, queue as unknown as Queue<never, never>);
    this.concurrency = this.options.concurrency;
    this.leaseMs = this.options.leaseMs;
    this.prefetched = new PrefetchBuffer(options.prefetch ?? 0);
    this.webhooks = new WebhookHooks(queue, (err) => this.reportError(err));
    this.chores = new QueueChores(queue as unknown as Queue, this.id, (err) => this.reportError(err));
    this.cancels = new CancelCheck(queue.storage, queue.name, this.active, this.options.pollIntervalMs, (err) => this.reportError(err));
    this.sweep = new ReclaimSweep({
      queue,
      webhooks: this.webhooks,
      leaseMs: this.leaseMs,
      emitJob: this.emitJob,
      wake: () => this.wake(),
      reportError: (err) => this.reportError(err),
    });
    if (options.autostart !== false) this.start().catch((err) => this.reportError(err));
  }

  /** Jobs running here now. */
  get running(): number {
    return this.active.size;
  }

  /** Registers the worker, starts its heartbeat and begins claiming. Idempotent; does nothing once `close()` was called. */
  start(): Promise<void> {
    if (this.closing && !this.started) return Promise.resolve();
    this.started ??= this.boot();
    return this.started;
  }

  private async boot(): Promise<void> {
    await withStorageRetry(
      () => this.queue.ready(),
      (e) => this.reportError(e),
    );
    if (this.closing) return;
    const keeper = createLeaseKeeper({
      id: this.id,
      queue: this.queue as unknown as Queue<never, never>,
      concurrency: this.concurrency,
      leaseMs: this.leaseMs,
      heartbeatMs: this.options.heartbeatMs,
      heartbeat: this.options.heartbeat,
      active: this.active,
      prefetched: this.prefetched,
      settleLater: (outcomes) => this.settleLater(outcomes),
      pending: () => this.pending,
      stepInFlight: () => this.loop.ticking,
      reportError: (e) => this.reportError(e),
    });
    await withStorageRetry(
      () => keeper.start(),
      (e) => this.reportError(e),
    );
    this.keeper = keeper;
    if (this.closing) return;
    this.unsubscribe = this.queue.storage.notifier?.subscribe(this.queue.name, (n) => this.onNotice(n));
    // The storage lost its data: report it and look for work at once (the queue writes its
    // configuration back itself; the jobs running here lose their leases at the next heartbeats).
    this.offReset = this.queue.storage.notifier?.onReset?.((err) => {
      this.reportError(err);
      this.wake();
    });
    this.every(this.options.pollIntervalMs, () => this.wake());
    this.every(Math.max(50, Math.floor(this.leaseMs / 2)), () => void (this.claiming && this.sweep.sweep()));
    this.claiming = true;
    this.loop.schedule();
    this.chores.start();
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref?.();
    this.timers.push(t);
  }

  private onNotice(n: StorageNotice): void {
    if (n.source === this.id) return;
    if (n.kind === 'cancel' && n.jobId) {
      this.active.get(n.jobId)?.abort('cancelled');
      this.settleLater([this.prefetched.cancel(n.jobId)]);
    } else if (n.kind === 'added') this.wakeAt(n.runAt);
    else if (n.kind === 'changed') {
      // Another process wrote: look for jobs, and re-read the running ones for cancel requests.
      this.wake();
      this.cancels.request();
    } else if (n.kind === 'event' && n.event === 'queue:paused') {
      // Held jobs must not start while paused: hand them back (the claims get none meanwhile).
      this.shares?.notePaused(true);
      this.settleLater(this.prefetched.releaseAll());
    } else if (n.kind === 'event' && (n.event === 'job:completed' || n.event === 'job:failed' || n.event === 'job:cancelled' || n.event === 'job:retrying'))
      this.wake();
  }

  private wakeAt(runAt: number | undefined): void {
    const now = this.queue.clock.now();
    if (runAt === undefined || runAt <= now) this.wake();
    else if (runAt - now <= this.options.pollIntervalMs) this.alarm.arm(runAt, now);
  }

  /** Looks for work when a slot is free (see `StepLoop.wake`). */
  private wake(): void {
    this.loop.wake(this.active.size < this.concurrency);
  }

  /** Settles what finished and claims into the free slots, in one storage call. */
  private async step(): Promise<void> {
    const outcomes = this.pending.splice(0);
    const free = await this.claimable();
    const limit = free + (this.claiming ? this.prefetched.room(this.shares?.prefetchAllowed ?? false) : 0);
    if (outcomes.length === 0 && limit <= 0) return;
    const { storage, name: queue } = this.queue;
    const claim = limit > 0 ? { workerId: this.id, limit, leaseMs: this.leaseMs } : undefined;
    const now = () => this.queue.clock.now();
    const report = (e: unknown) => this.reportError(e);
    // Closing: a lone claim is not retried (its jobs would go back), nor anything past the last calls' deadline.
    const stop = () => this.lastCalls.passed || (outcomes.length === 0 && !this.claiming);
    const pauseMark = this.shares?.pauseMark ?? 0;
    let result: SettleResult;
    try {
      result = await settleOrClaim({ storage, queue, now, claim, rated: this.shares?.rateLimited ?? true, report, stop }, outcomes);
    } catch (err) {
      this.reportError(err);
      if (outcomes.length === 0 || isTransientStorageError(err)) {
        this.pending.unshift(...outcomes);
        this.loop.idle = true;
        return;
      }
      // Rejected for good: settle each outcome alone (failing the ones still refused), then claim
      // in a step of its own, so one bad outcome never wedges the worker.
      result = await settleApart({ storage, queue, now, report }, outcomes);
      this.loop.more();
    }
    this.afterSettle(outcomes, result);
    this.alarm.arm(result.nextStartAt, now());
    this.takeClaimed(result.claimed, free, pauseMark);
    this.loop.idle = claim !== undefined && result.claimed.length < limit;
    if (this.loop.idle && this.active.size === 0)
      void this.drained.check(
        this.queue as unknown as Queue<never, never>,
        (e) => this.reportError(e),
        () => this.emitJob('queue:drained', { queue: this.queue.name }),
      );
  }

  /**
   * Free slots a step may claim: none while closing, and under a global limit no more than this
   * worker's fair share of it, so workers that already hold slots leave some to the others (see
   * `fair-share.ts`).
   */
  private async claimable(): Promise<number> {
    if (!this.claiming) return 0;
    const periods = { pollIntervalMs: this.options.pollIntervalMs, leaseMs: this.leaseMs, heartbeatMs: this.options.heartbeatMs };
    this.shares ??= FairShare.ofWorker(this.queue as unknown as Queue<never, never>, this.id, this.concurrency, periods, (err) => this.reportError(err));
    const n = await this.shares.claimable(this.active.size);
    // Held back to a share of 0 with nothing running: no finish will call for a step, so let the
    // poll and wake-ups try again (the share moves round as turns pass).
    if (n === 0 && this.active.size === 0) this.loop.idle = true;
    return this.claiming ? n : 0;
  }

  /**
   * Starts claimed jobs into the free slots and holds the rest, unless `close()` began while the
   * claim was in flight (then they go back unrun). A claim that got jobs shows no pause, unless one
   * was seen since `pauseMark` (taken before it was sent): then the held ones go back unrun.
   */
  private takeClaimed(claimed: readonly JobRecord[], free: number, pauseMark: number): void {
    if (!this.claiming) {
      this.settleLater([...releaseOutcomes(claimed), ...this.prefetched.releaseAll()]);
      return;
    }
    if (claimed.length > 0) this.shares?.noteClaimed(pauseMark);
    for (const job of claimed.slice(0, free)) this.begin(job);
    this.prefetched.push(claimed.slice(free));
    if (this.shares?.paused) this.settleLater(this.prefetched.releaseAll());
    else this.startHeld();
  }

  private afterSettle(outcomes: readonly Outcome[], result: SettleResult): void {
    const kinds = new Map(outcomes.map((o) => [o.kind === 'dropped' ? o.id : o.item.id, o.kind]));
    for (const job of result.settled) {
      emitSettled(this.emitJob, job, kinds.get(job.id) ?? 'completed');
      // A retry due before the next poll: wake for it, as for a delayed add.
      if (job.state === 'queued') this.wakeAt(job.runAt);
    }
    for (const id of result.lost) this.reportError(new LeaseLostError(id));
    this.webhooks.settled(result.settled);
  }

  private readonly emitJob = <K extends WaitlineEventName>(event: K, payload: WaitlineEventMap[K]): void => {
    this.queue.emit(event, payload, this.id);
  };

  /**
   * Starts held (prefetched) jobs into the free slots, in claim order: none while the queue is
   * paused (read again first when the last read is stale: a pause from another process may reach
   * a busy worker by its reads alone), and none whose earlier attempt still runs here (see `begin`).
   */
  private startHeld(): void {
    if (this.shares && !this.shares.fresh && this.prefetched.size > 0) return void this.shares.refresh().then(() => this.startHeld());
    // A global or rate limit set since they were claimed ahead: they go back unrun, claimed under it.
    if (this.shares && !this.shares.prefetchAllowed && this.prefetched.size > 0) this.settleLater(this.prefetched.releaseAhead());
    while (this.claiming && !this.shares?.paused && this.active.size < this.concurrency) {
      const job = this.prefetched.shift((id) => !this.active.has(id));
      if (!job) return;
      this.begin(job, this.queue.clock.now());
    }
  }

  /** Queues outcomes decided outside an attempt (a held job cancelled or handed back) for the next step. */
  private settleLater(outcomes: ReadonlyArray<Outcome | undefined>): void {
    const real = outcomes.filter((o): o is Outcome => o !== undefined);
    if (real.length === 0) return;
    this.pending.push(...real);
    this.loop.schedule();
  }

  /**
   * Starts one claimed job; `heldStart` when it waited in the prefetch buffer since its claim. A
   * job whose earlier attempt still runs here (its lease ran out and this worker claimed it
   * again) does not start twice: the earlier attempt is aborted as `lease-lost` and the new one
   * is held, its lease kept, until that handler returns (at most `timeoutGraceMs`).
   */
  private begin(job: JobRecord, heldStart?: number): void {
    const earlier = this.active.get(job.id);
    if (earlier) {
      earlier.abort('lease-lost');
      const grace = new Promise((r) => setTimeout(r, this.options.timeoutGraceMs).unref?.());
      this.prefetched.holdBehind(job, Promise.race([earlier.handlerSettled, grace]), () => this.startHeld());
      return;
    }
    const attempt = new ActiveAttempt(job, job.leaseToken as string, this.options.timeoutGraceMs);
    attempt.heldStart = heldStart;
    this.active.set(job.id, attempt);
    this.drained.ran();
    this.emitJob('job:active', { queue: job.queue, jobId: job.id, attempt: job.attempt, workerId: this.id });
    void this.runAttempt(attempt);
  }

  private async runAttempt(attempt: ActiveAttempt): Promise<void> {
    const job = attempt.record as JobRecord<Payload, Result>;
    const trace = traceAttempt(job, this.id, this.logger);
    const host = { id: this.id, queue: this.queue, webhooks: this.webhooks };
    const end = await attempt.run(() => trace.invoke(() => this.handler(job, makeContext(host, attempt))));
    const outcome = attempt.classify(end, {
      now: () => this.queue.clock.now(),
      random: this.options.random,
      customBackoff: this.queue.customBackoff,
    });
    trace.end(outcome, attempt.abortKind);
    if (this.active.get(job.id) === attempt) this.active.delete(job.id);
    if (attempt.heldStart !== undefined && (outcome.kind === 'completed' || outcome.kind === 'failed' || outcome.kind === 'cancelled')) {
      outcome.item.startedAt = attempt.heldStart;
    }
    if (outcome.kind !== 'dropped') this.pending.push(outcome);
    this.startHeld();
    this.loop.schedule();
  }

  /** Reports an error on the worker's `error` event, or to the logger when nobody listens; an unreachable storage also holds the reclaim sweep. @internal */
  reportError(err: unknown): void {
    if ((err as { code?: unknown } | null)?.code === 'STORAGE_UNAVAILABLE') this.sweep.noteUnreachable();
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else this.logger.warn(`worker ${this.id} (queue "${this.queue.name}"): ${describeError(error)}`, error);
  }

  /**
   * Stops claiming, waits up to `graceMs` for running handlers, then aborts the rest (reason
   * `WORKER_CLOSING`) and releases their jobs so another worker takes them at once (no attempt
   * spent). Settles everything finished, stops the heartbeat and deregisters. Idempotent.
   */
  close(options: { graceMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.graceMs ?? this.options.shutdownGraceMs);
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.claiming = false;
    this.settleLater(this.prefetched.releaseAll());
    for (const t of this.timers) clearInterval(t);
    this.alarm.clear();
    this.cancels.stop();
    this.unsubscribe?.();
    this.offReset?.();
    this.webhooks.close();
    await this.started?.catch(() => undefined);
    await this.chores.stop();
    await waitWhile(() => this.active.size > 0, graceMs);
    for (const attempt of this.active.values()) attempt.abort('shutdown');
    await waitWhile(() => this.active.size > 0, graceMs + 1_000);
    this.lastCalls.start(graceMs);
    await this.flush();
    await this.lastCalls.race(this.keeper?.stop());
    await this.lastCalls.race(this.queue.storage.deregisterWorker({ id: this.id }).catch((err) => this.reportError(err)));
    this.emit('closed');
  }

  private async flush(): Promise<void> {
    for (let i = 0; i < 20 && (this.pending.length > 0 || this.loop.ticking) && !this.lastCalls.passed; i++) {
      await this.loop.tick();
      if (this.pending.length > 0) await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export type { HandlerContext };
