/**
 * Helpers for the areas that drive `Queue` and `Worker` on a real storage in real time: a storage
 * per test, workers closed after each test, event recorders and bounded waits.
 * @internal
 */
import {
  type Handler,
  Queue,
  type QueueOptions,
  type Storage,
  type WaitlineEventMap,
  type WaitlineEventName,
  Worker,
  type WorkerOptions,
} from '@waitline/core';
import { afterEach, beforeEach } from 'vitest';
import type { StorageHarness } from './harness.js';

/** What a live test gets: its storage, and factories whose products are closed after the test. */
export interface Live {
  storage(): Storage;
  queue<P = Record<string, unknown>, R = unknown>(name?: string, options?: QueueOptions<P>): Queue<P, R>;
  worker<P, R>(queue: Queue<P, R>, handler: Handler<P, R>, options?: WorkerOptions): Worker<P, R>;
}

/** Options that keep live tests fast: short leases and polls, main-thread heartbeats unless asked. */
export const FAST_WORKER: WorkerOptions = { leaseMs: 2_000, pollIntervalMs: 50, heartbeat: 'main', shutdownGraceMs: 500, timeoutGraceMs: 300 };

/** Gives each test its own storage; closes its workers (then the storage) after it. */
export function useLive(harness: StorageHarness): Live {
  let storage: Storage | null = null;
  let workers: Array<Worker<never, never>> = [];
  let counter = 0;
  beforeEach(async () => {
    storage = await harness.create();
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close({ graceMs: 0 })));
    workers = [];
    await storage?.close();
    storage = null;
  });
  const current = () => {
    if (!storage) throw new Error('useLive: the storage exists only while a test runs');
    return storage;
  };
  return {
    storage: current,
    queue: (name, options) => new Queue(current(), name ?? `live-${++counter}`, options),
    worker(queue, handler, options) {
      const w = new Worker(queue, handler, { ...FAST_WORKER, ...options });
      w.on('error', () => undefined);
      workers.push(w as unknown as Worker<never, never>);
      return w;
    },
  };
}

/** The storage with `method` changed by `wrap`, every other method as it is. */
export function intercept(storage: Storage, method: keyof Storage, wrap: (call: () => Promise<unknown>) => Promise<unknown>): Storage {
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop !== method) return value.bind(target);
      return (...args: unknown[]) => wrap(() => value.apply(target, args));
    },
  });
}

/** Records every payload of the named events a queue emits, in order. */
export function record<K extends WaitlineEventName>(
  source: { on(event: K, listener: (p: WaitlineEventMap[K]) => void): unknown },
  ...events: K[]
): Array<{ event: K; payload: WaitlineEventMap[K]; at: number }> {
  const seen: Array<{ event: K; payload: WaitlineEventMap[K]; at: number }> = [];
  for (const event of events) source.on(event, (payload) => seen.push({ event, payload, at: Date.now() }));
  return seen;
}

/** Resolves once `check` returns true; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise with its resolve function outside, for handlers a test releases by hand. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
