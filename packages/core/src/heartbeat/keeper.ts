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
import { WaitlineError } from '../errors.js';
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

/** The heartbeat thread's script, next to this bundle. @internal */
export function heartbeatThreadUrl(): URL {
  return new URL('./heartbeat/thread.js', import.meta.url);
}

/** Renews from a worker thread with its own storage connection. @internal */
export class ThreadLeaseKeeper implements LeaseKeeper {
  private thread: ThreadWorker | undefined;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly config: KeeperConfig,
    private readonly events: KeeperEvents,
  ) {}

  async start(): Promise<void> {
    const url = heartbeatThreadUrl();
    if (!existsSync(fileURLToPath(url))) {
      throw new WaitlineError('STORAGE_UNAVAILABLE', `heartbeat thread script not found at ${url.href}; use heartbeat: 'main' when running core from source`);
    }
    const { storage, workerId, queue, leaseMs, heartbeatMs, registration } = this.config;
    // The first heartbeat runs here, so registration and storage errors surface from start().
    await beat({ storage, workerId, queue, leaseMs, registration, now: this.config.clock.now() });
    const init: HeartbeatInit = { descriptor: storage.describe(), workerId, queue, leaseMs, heartbeatMs, registration };
    const thread = new ThreadWorker(url, { workerData: init });
    this.thread = thread;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromThread) => this.onMessage(m, resolve, reject);
      thread.on('message', onMessage);
      thread.once('error', reject);
    });
    thread.on('error', (err) => this.events.onError(err));
  }

  private onMessage(m: FromThread, resolve: () => void, reject: (e: Error) => void): void {
    if (m.type === 'ready') resolve();
    else if (m.type === 'beat') this.events.onBeat(m.report);
    else if (m.type === 'error') {
      const err = new WaitlineError('STORAGE_UNAVAILABLE', `heartbeat thread: ${m.message}`);
      this.events.onError(err);
      reject(err);
    }
  }

  private post(message: ToThread): void {
    this.thread?.postMessage(message);
  }

  stop(): Promise<void> {
    const thread = this.thread;
    if (!thread) return Promise.resolve();
    this.stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void thread.terminate().then(() => resolve()), 5_000);
      thread.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.post({ type: 'stop' });
    });
    return this.stopped;
  }
}
