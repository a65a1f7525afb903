/**
 * Contract area: cancelling running jobs (from this process and from another handle on the same
 * database), graceful shutdown that hands unfinished jobs to another worker without spending an
 * attempt, and riding out transient storage errors (a silent worker's jobs: see `stalls.ts`).
 */
import { Queue, StorageUnavailableError, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { newJob } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { gate, record, sleep, until, useLive } from '../live.js';

/** A storage whose first `failures` calls to `method` fail as a busy database would. */
function flaky(storage: Storage, method: 'claim' | 'settle', failures: number): Storage {
  let left = failures;
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        if (left-- > 0) return Promise.reject(new StorageUnavailableError('database is busy (injected)'));
        return value.apply(target, args);
      };
    },
  });
}

/** A storage whose `settle` reaches the database `delayMs` late, like one across a slow network. */
function slowSettle(storage: Storage, delayMs: number): Storage {
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'settle' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        await sleep(delayMs);
        return value.apply(target, args);
      };
    },
  });
}

/** A storage whose `settle` answers `delayMs` after it was applied, calling `during` meanwhile. */
function settleThen(storage: Storage, delayMs: number, during: () => Promise<void>): Storage {
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'settle' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        await during();
        await sleep(delayMs);
        return result;
      };
    },
  });
}

/** Registers the worker-control area. */
export function describeWorkerControl(harness: StorageHarness): void {
  describe(`${harness.name}: worker control`, () => {
    const live = useLive(harness);

    it('cancel() aborts a running handler with a cancel reason and the job ends cancelled', async () => {
      const q = live.queue('cancel-running');
      const started = gate();
      let reason: unknown;
      const cancelled = record(q, 'job:cancelled');
      live.worker(q, async (_job, { signal }) => {
        started.open();
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject((reason = signal.reason))));
      });
      const job = await q.add({});
      await started.promise;
      const during = await job.cancel();
      expect(during.state).toBe('running');
      expect(during.cancelRequested).toBe(true);
      await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
      expect(reason).toMatchObject({ kind: 'cancelled', code: 'JOB_CANCELLED' });
      expect((await job.status()).state).toBe('cancelled');
      expect(cancelled.map((e) => (e.payload as { jobId: string }).jobId)).toContain(job.id);
    });

    it('a cancel from another handle on the same database reaches the worker (by heartbeat at the latest)', async (ctx) => {
      if (!live.storage().capabilities.reopenable) return ctx.skip();
      const q = live.queue('cancel-remote');
      const started = gate();
      live.worker(
        q,
        async (_job, { signal }) => {
          started.open();
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        },
        { leaseMs: 600 },
      );
      const job = await q.add({});
      await started.promise;
      const other = await harness.open(live.storage().describe());
      try {
        await new Queue(other, 'cancel-remote').cancel(job.id);
        await expect(job.finished({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
      } finally {
        await other.close();
      }
    });

    it('a handler ignoring a cancel is ended after the grace period and its slot freed', async () => {
      const q = live.queue('cancel-stubborn');
      const first = gate();
      const ran: string[] = [];
      live.worker(
        q,
        async (job) => {
          ran.push(job.id);
          if (ran.length === 1) await first.promise;
        },
        { timeoutGraceMs: 100 },
      );
      const stubborn = await q.add({});
      await until(() => ran.length === 1, 'the first job to start');
      const next = await q.add({});
      await q.cancel(stubborn.id);
      await next.finished({ timeoutMs: 5_000 });
      expect((await stubborn.status()).state).toBe('cancelled');
      first.open();
    });

    it('close() waits for running handlers within the grace period', async () => {
      const q = live.queue('close-graceful');
      const w = live.worker(q, async () => {
        await sleep(150);
        return 'finished in time';
      });
      const job = await q.add({});
      await until(async () => (await job.status()).state === 'running', 'the job to start');
      await w.close({ graceMs: 2_000 });
      expect(await job.status()).toMatchObject({ state: 'completed', result: 'finished in time' });
      expect((await q.getStats()).workers).toEqual([]);
    });

    it('close() resolves only after a settle still in flight has landed', async () => {
      const q = new Queue(slowSettle(live.storage(), 300), 'close-in-flight');
      const w = live.worker(q, async () => 'settled before close returned', { heartbeat: 'main' });
      const job = await q.add({});
      await until(async () => (await job.status()).state !== 'queued', 'the job to start');
      await w.close({ graceMs: 2_000 });
      expect(await job.status()).toMatchObject({ state: 'completed', result: 'settled before close returned' });
    });

    it('a wake-up that arrives while a settle is in flight is not lost', async () => {
      const name = 'wake-in-flight';
      let late: string | null = null;
      const storage = settleThen(live.storage(), 300, async () => {
        if (late !== null) return;
        // Written after the settle's claim read the queue, announced before the settle returns.
        const [job] = (await live.storage().enqueue({ queue: name, jobs: [newJob({ runAt: Date.now() })], now: Date.now() })).jobs;
        late = (job as { id: string }).id;
        live.storage().notifier?.publish({ queue: name, kind: 'added', runAt: Date.now() });
      });
      const q = new Queue(storage, name);
      live.worker(q, async () => 'ok', { pollIntervalMs: 60_000, heartbeat: 'main' });
      await q.add({});
      // The next poll is a minute away: a lost wake-up would leave the late job waiting for it.
      await until(async () => late !== null && (await q.getJob(late))?.state === 'completed', 'the late job to run well before the next poll', 15_000);
    });

    it('close() past the grace period aborts and releases the job to another worker at once, spending no attempt', async () => {
      const q = live.queue('close-release', { retry: { attempts: 1 } });
      let reason: unknown;
      const first = live.worker(q, async (_job, { signal }) => {
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject((reason = signal.reason))));
      });
      const job = await q.add({});
      await until(async () => (await job.status()).state === 'running', 'the job to start');
      await first.close({ graceMs: 50 });
      expect(reason).toMatchObject({ kind: 'shutdown', code: 'WORKER_CLOSING' });
      const released = await job.status();
      expect(released).toMatchObject({ state: 'queued', attempt: 0, position: 1 });
      live.worker(q, async (_job, { attempt }) => `second worker, attempt ${attempt}`);
      await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('second worker, attempt 1');
    });

    it('rides out transient storage errors: reports them and goes on', async () => {
      const storage = flaky(live.storage(), 'claim', 3);
      const q = new Queue(storage, 'flaky');
      const errors: Error[] = [];
      const w = live.worker(q, async () => 'survived');
      w.on('error', (e) => errors.push(e));
      const job = await q.add({});
      await expect(job.finished({ timeoutMs: 10_000 })).resolves.toBe('survived');
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors.every((e) => e instanceof StorageUnavailableError)).toBe(true);
    });

    it('falls back to renewing from the main thread when the heartbeat thread cannot start, and says so', async (ctx) => {
      if (!live.storage().capabilities.reopenable) return ctx.skip();
      const real = live.storage();
      const broken = new Proxy(real, {
        get(target, prop, receiver) {
          if (prop === 'describe') return () => ({ ...target.describe(), exportName: 'NoSuchStorage' });
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const q = new Queue(broken, 'no-thread');
      const errors: Error[] = [];
      const w = live.worker(
        q,
        async () => {
          await sleep(700);
          return 'renewed from main';
        },
        { heartbeat: 'thread', leaseMs: 300 },
      );
      w.on('error', (e) => errors.push(e));
      await w.start();
      const job = await q.add({});
      await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('renewed from main');
      expect((await job.refresh())?.attempt).toBe(1);
      expect(errors.some((e) => e.message.includes('NoSuchStorage'))).toBe(true);
    });

    it('runs the heartbeat in a thread with its own connection', async (ctx) => {
      if (!live.storage().capabilities.reopenable) return ctx.skip();
      const q = live.queue('threaded');
      const w = live.worker(
        q,
        async (_job, { progress }) => {
          await progress({ percent: 50 });
          return 'ok';
        },
        { heartbeat: 'thread', leaseMs: 300 },
      );
      await w.start();
      const job = await q.add({});
      await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('ok');
      await sleep(250);
      expect((await q.getStats()).workers.map((x) => x.id)).toEqual([w.id]);
    });
  });
}
