/**
 * Contract area, live: a `Worker` at the edges a review found with reproductions. A job this
 * worker claims again while its earlier attempt still runs never runs twice at once; a result
 * that throws while it is inspected fails the attempt; a handler that returns after a timeout has
 * not completed; a pause stops held (prefetched) jobs; a closed worker does not start again; a
 * claim in flight when `close()` is called hands its jobs back unrun; progress is stored in call
 * order; a short retry does not wait for the next poll.
 */
import { Queue, StorageUnavailableError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { gate, intercept, sleep, until, useLive } from '../live.js';

/** Registers the worker-edges area. */
export function describeWorkerEdges(harness: StorageHarness): void {
  describe(`${harness.name}: worker edges`, () => {
    const live = useLive(harness);

    it('a job claimed again by its own worker waits for its earlier attempt, which is aborted as lease-lost', async () => {
      let failUntil = 0;
      const real = live.storage();
      const storage = intercept(real, 'renewLeases', (call) =>
        Date.now() < failUntil ? Promise.reject(new StorageUnavailableError('renewal refused (injected)')) : call(),
      );
      // Another process's sweep: it sees the expiry this worker's own sweep waits out. Renewals keep
      // failing until it has requeued the job, however long that takes on a loaded machine, and half
      // a second more: time for this worker to claim the job again while its earlier attempt runs.
      const error = { name: 'LeaseExpiredError', message: 'lease expired', code: 'LEASE_LOST' };
      const sweeper = setInterval(
        () =>
          void real.reclaimExpired({ queue: 'self-reclaim', now: Date.now(), error }).then(
            (moved) => {
              if (moved.length > 0) failUntil = Date.now() + 500;
            },
            () => undefined,
          ),
        100,
      );
      const q = new Queue<{ n: number }, string>(storage, 'self-reclaim', { maxStalls: 5 });
      const job = await q.add({ n: 1 });
      let running = 0;
      let most = 0;
      let runs = 0;
      let firstAbort: unknown;
      live.worker(
        q,
        async (_job, { signal }) => {
          runs += 1;
          running += 1;
          most = Math.max(most, running);
          try {
            if (runs > 1) return 'second';
            failUntil = Number.POSITIVE_INFINITY; // the lease runs out; the other sweep requeues the job
            await Promise.race([new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true })), sleep(4_000)]);
            firstAbort = signal.reason;
            await sleep(150);
            return 'first';
          } finally {
            running -= 1;
          }
        },
        { concurrency: 2, leaseMs: 300, heartbeatMs: 100 },
      );
      await until(async () => (await q.getJob(job.id))?.state === 'completed', 'the job completed', 15_000).finally(() => clearInterval(sweeper));
      expect(most).toBe(1);
      expect(firstAbort).toMatchObject({ kind: 'lease-lost' });
      expect((await q.getJob(job.id))?.result).toBe('second');
    });

    it('a result that throws while it is inspected fails the attempt, and the worker goes on', async () => {
      const q = live.queue<{ hostile: boolean }, unknown>('hostile-result');
      const hostile = await q.add({ hostile: true });
      const plain = await q.add({ hostile: false });
      const trap = () => {
        throw new Error('no keys for you');
      };
      const w = live.worker(q, async (job) => (job.payload.hostile ? new Proxy({}, { ownKeys: trap }) : 'fine'));
      await until(async () => (await q.getJob(plain.id))?.state === 'completed', 'the plain job completed');
      await until(async () => (await q.getJob(hostile.id))?.state === 'failed', 'the hostile job failed');
      const failed = await q.getJob(hostile.id);
      expect(failed?.error).toMatchObject({ name: 'ValidationError' });
      expect(failed?.error?.message).toContain('result');
      await until(() => w.running === 0, 'no slot held');
    });

    it('a handler that returns after its timeout aborted it has failed that attempt, not completed', async () => {
      const q = live.queue<{ n: number }, { processed: number }>('abort-return');
      const job = await q.add({ n: 1 }, { timeoutMs: 200, attempts: 1 });
      live.worker(q, async (_job, { signal }) => {
        let processed = 0;
        while (!signal.aborted) {
          processed += 1;
          await sleep(5);
        }
        return { processed };
      });
      await until(async () => (await q.getJob(job.id))?.state === 'failed', 'the job failed', 10_000);
      const failed = await q.getJob(job.id);
      expect(failed?.error?.code).toBe('JOB_TIMEOUT');
      expect(failed?.result).toBeNull();
    });

    it('a handler that returns after a shutdown abort hands its job back unrun', async () => {
      const q = live.queue<{ n: number }, string>('shutdown-return');
      const job = await q.add({ n: 1 });
      const started = gate();
      const w = live.worker(q, async (_job, { signal }) => {
        started.open();
        while (!signal.aborted) await sleep(1);
        return 'partial';
      });
      await started.promise;
      await w.close({ graceMs: 0 });
      expect(await q.getJob(job.id)).toMatchObject({ state: 'queued', attempt: 0, result: null });
    });

    it('a pause stops held jobs from starting; a resume starts them', async () => {
      const q = live.queue<{ n: number }, number>('pause-prefetch');
      await q.addBulk(Array.from({ length: 8 }, (_, n) => ({ payload: { n } })));
      const first = gate();
      const started: number[] = [];
      live.worker(
        q,
        async (job) => {
          started.push(job.payload.n);
          if (job.payload.n === 0) await first.promise;
          return job.payload.n;
        },
        { concurrency: 1, prefetch: 5 },
      );
      await until(() => started.length === 1, 'the first job started');
      await q.pause();
      await sleep(300);
      first.open();
      await sleep(600);
      expect(started).toEqual([0]);
      await q.resume();
      await q.whenIdle({ timeoutMs: 10_000 });
      expect(started).toHaveLength(8);
    });

    it('start() after close() does nothing: no registration, no heartbeat', async () => {
      const q = live.queue('closed-start');
      const w = live.worker(q, async () => 'x', { autostart: false });
      await w.close();
      await w.start();
      await sleep(300);
      expect((await q.getStats()).workers).toEqual([]);
    });

    it('jobs claimed while close() began are handed back unrun', async () => {
      const inFlight = gate();
      const storage = intercept(live.storage(), 'claim', async (call) => {
        inFlight.open();
        await sleep(300);
        return call();
      });
      const q = new Queue<{ n: number }, string>(storage, 'close-during-claim');
      const job = await q.add({ n: 1 });
      let ran = 0;
      const w = live.worker(q, async () => {
        ran += 1;
        return 'ran';
      });
      await inFlight.promise;
      await w.close();
      expect(ran).toBe(0);
      expect(await q.getJob(job.id)).toMatchObject({ state: 'queued', attempt: 0 });
    });

    it('stores progress in call order even when the handler does not await it', async () => {
      const q = live.queue<{ n: number }, string>('progress-order');
      const job = await q.add({ n: 1 });
      const events: number[] = [];
      q.on('job:progress', (e) => events.push(e.progress.percent ?? -1));
      live.worker(q, async (_job, { progress }) => {
        await Promise.all(Array.from({ length: 30 }, (_, i) => progress({ percent: i })));
        return 'done';
      });
      await until(async () => (await q.getJob(job.id))?.state === 'completed', 'the job completed');
      expect((await q.getJob(job.id))?.progress?.percent).toBe(29);
      expect(events).toEqual(Array.from({ length: 30 }, (_, i) => i));
    });

    it('a retry due before the next poll runs at its backoff, not at the poll', async () => {
      const q = live.queue<{ n: number }, string>('retry-wake');
      const job = await q.add({ n: 1 }, { attempts: 2, backoff: { kind: 'fixed', delayMs: 100 } });
      const starts: number[] = [];
      const w = live.worker(
        q,
        async () => {
          starts.push(Date.now());
          if (starts.length === 1) throw new Error('first attempt fails');
          return 'ok';
        },
        { pollIntervalMs: 5_000 },
      );
      // What the worker reported, and when the retry was recorded: this test failed twice on a
      // loaded machine (redis-cluster, about 4.95 s, the poll) and passed in every run since;
      // a failure says which way it went.
      const seen: string[] = [];
      w.on('error', (e) => seen.push(`${Date.now() - (starts[0] ?? 0)} ms: ${e.message}`));
      q.on('job:retrying', ({ retryAt }) => seen.push(`${Date.now() - (starts[0] ?? 0)} ms: retrying, due at +${retryAt - (starts[0] ?? 0)} ms`));
      await until(async () => (await q.getJob(job.id))?.state === 'completed', 'the retry completed', 10_000);
      expect((starts[1] as number) - (starts[0] as number), seen.join('; ')).toBeLessThan(2_500);
    });
  });
}
