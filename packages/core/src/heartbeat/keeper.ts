/**
 * Lease keepers: who renews a worker's leases and registration. `thread` (the default) renews from
 * a worker thread with its own storage connection, so CPU-bound handlers never look stalled;
 * `main` renews from the worker's own event loop (enough for handlers that await I/O, and the only
 * choice with an injected clock).
 * @internal
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker as ThreadWorker } from 'node:worker_threads';
import type { Clock } from '../clock.js';
import { fromThreadError, toErrorData } from '../error-data.js';
import { HeartbeatFallbackError } from '../errors.js';
import type { RegisterWorkerParams, Storage } from '../storage.js';
import { type BeatReport, beat } from './beat.js';
import type { FromThread, HeartbeatInit, ToThread } from './protocol.js';

/** Callbacks a keeper reports through. @internal */
export interface KeeperEvents {
  /** What each heartbeat renewed, and which of those jobs carry a cancel request. */
  onBeat(report: BeatReport): void;
  onError(err: Error): void;
}

/** Settings shared by both keepers. @internal */
export interface KeeperConfig {
  storage: Storage;
  workerId: string;
  queue: string;
  leaseMs: number;
  heartbeatMs: number;
  registration: Omit<RegisterWorkerParams, 'now'>;
  clock: Clock;
}

/** Renews every lease the worker holds, and its registration, until stopped. @internal */
export interface LeaseKeeper {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Renews from the worker's own event loop. @internal */
export class MainLeaseKeeper implements LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly config: KeeperConfig,
    private readonly events: KeeperEvents,
  ) {}

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.heartbeatMs);
    this.timer.unref?.();
  }

  private tick(): Promise<void> {
    this.beating ??= this.beat().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async beat(): Promise<void> {
    const { storage, workerId, queue, leaseMs, registration, clock } = this.config;
    try {
      this.events.onBeat(await beat({ storage, workerId, queue, leaseMs, registration, now: clock.now() }));
    } catch (err) {
      this.events.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }
}

/**
 * The heartbeat thread's script next to this module's file, or null where there is none: a bundle
 * that inlined core has no such file beside it (and a CommonJS bundle no `import.meta.url`). @internal
 */
export function heartbeatThreadUrl(): URL | null {
  try {
    const url = new URL('./heartbeat/thread.js', import.meta.url);
    return existsSync(fileURLToPath(url)) ? url : null;
  } catch {
    return null;
  }
}

/** The longest `ThreadLeaseKeeper.start()` waits for its thread to be ready before claiming starts anyway. @internal */
export const THREAD_READY_WAIT_MS = 10_000;

/** Renews from a worker thread with its own storage connection. @internal */
export class ThreadLeaseKeeper implements LeaseKeeper {
  private thread: ThreadWorker | undefined;
  private fallback: MainLeaseKeeper | undefined;
  private ready = false;
  private stopped: Promise<void> | undefined;
  /** Ends `start()`'s wait for the thread. */
  private settle: () => void = () => undefined;

  constructor(
    private readonly config: KeeperConfig,
    private readonly events: KeeperEvents,
  ) {}

  /**
   * Runs the first heartbeat here (registration and storage errors surface from `start()`), then
   * spawns the thread and waits until it is ready (or failed), so no job is claimed before
   * something renews it: a storage whose module and connection take longer than `leaseMs` to load
   * in a fresh thread (ioredis, pg) would otherwise see its first leases expire under a handler
   * that blocks the main thread. The wait is bounded by {@link THREAD_READY_WAIT_MS}.
   * A thread that fails before it is ready is replaced by main-thread renewal, and the failure reported.
   */
  async start(): Promise<void> {
    const url = heartbeatThreadUrl();
    if (url === null) return this.startOnMain();
    const { storage, workerId, queue, leaseMs, heartbeatMs, registration } = this.config;
    await beat({ storage, workerId, queue, leaseMs, registration, now: this.config.clock.now() });
    const init: HeartbeatInit = { descriptor: storage.describe(), workerId, queue, leaseMs, heartbeatMs, registration };
    const thread = new ThreadWorker(url, { workerData: init });
    this.thread = thread;
    const settled = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, THREAD_READY_WAIT_MS);
      this.settle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    thread.on('message', (m: FromThread) => this.onMessage(m));
    // An uncaught error in the thread arrives cloned as a bare Error: its data, rebuilt, says more.
    thread.on('error', (err) => this.failed(fromThreadError(toErrorData(err))));
    thread.once('exit', () => this.settle());
    await settled;
  }

  /** No thread script: renew from the main thread, and say so loudly (once per worker). */
  private async startOnMain(): Promise<void> {
    this.events.onError(
      new HeartbeatFallbackError(
        "@waitline/core's heartbeat thread script (heartbeat/thread.js) is not next to the running code (a bundled app?): " +
          'this worker renews its leases from the main thread instead, so a handler that blocks the event loop longer than ' +
          "the lease can lose its job. Copy node_modules/@waitline/core/dist/heartbeat/ next to the bundle, or set heartbeat: 'main'.",
      ),
    );
    this.fallback = new MainLeaseKeeper(this.config, this.events);
    await this.fallback.start();
  }

  private onMessage(m: FromThread): void {
    if (m.type === 'ready') {
      this.ready = true;
      this.settle();
    } else if (m.type === 'beat') this.events.onBeat(m.report);
    else if (m.type === 'error') this.failed(fromThreadError(m.error));
  }

  private failed(err: Error): void {
    this.events.onError(err);
    if (this.ready || this.fallback || this.stopped) return;
    this.fallback = new MainLeaseKeeper(this.config, this.events);
    this.fallback.start().catch((e: unknown) => this.events.onError(e instanceof Error ? e : new Error(String(e))));
    this.settle();
    const thread = this.thread;
    this.thread = undefined;
    void thread?.terminate();
  }

  stop(): Promise<void> {
    const thread = this.thread;
    this.stopped ??= Promise.all([
      this.fallback?.stop(),
      thread &&
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => void thread.terminate().then(() => resolve()), 5_000);
          thread.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          const stop: ToThread = { type: 'stop' };
          thread.postMessage(stop);
        }),
    ]).then(() => undefined);
    return this.stopped;
  }
}
