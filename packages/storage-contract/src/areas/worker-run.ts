/**
 * Contract area: a `Worker` on a real storage runs jobs in the ordering rule, retries with the
 * configured backoff, stops on `PermanentJobError`, times out, reports progress, and never runs
 * more jobs at once than its own and the queue's global concurrency allow.
 */
import { JobAbortedError, PermanentJobError, priority, type WaitlineEventMap } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { gate, record, sleep, until, useLive } from '../live.js';

/** Registers the worker-run area. */
export function describeWorkerRun(harness: StorageHarness): void {
  describe(`${harness.name}: worker runs jobs`, () => {
    const live = useLive(harness);

    it('runs jobs by priority, FIFO within a level, and stores each result', async () => {
      const q = live.queue<{ n: number }, number>('order', { concurrency: 1 });
      await q.addBulk([
        { payload: { n: 1 } },
        { payload: { n: 2 }, options: { priority: priority.low } },
        { payload: { n: 3 }, options: { priority: priority.urgent } },
        { payload: { n: 4 } },
        { payload: { n: 5 }, options: { priority: priority.urgent } },
      ]);
      const seen: number[] = [];
      const events = record(q, 'job:active', 'job:completed');
      live.worker(q, async (job) => {
        seen.push(job.payload.n);
        return job.payload.n * 10;
      });
      await q.whenIdle({ timeoutMs: 5_000 });
      expect(seen).toEqual([3, 5, 1, 4, 2]);
      const done = (await q.listJobs({ states: ['completed'], limit: 10 })).items;
      expect(done.map((j) => j.result).sort((a, b) => Number(a) - Number(b))).toEqual([10, 20, 30, 40, 50]);
      expect(events.filter((e) => e.event === 'job:completed')).toHaveLength(5);
      expect(events.filter((e) => e.event === 'job:active')).toHaveLength(5);
    });

    it('retries with the backoff list, counting attempts, then completes', async () => {
      const q = live.queue('retries', { retry: { attempts: 3, backoff: { kind: 'list', delaysMs: [150, 300] } } });
      const starts: number[] = [];
      const retrying = record(q, 'job:retrying');
      live.worker(q, async (_job, { attempt }) => {
        starts.push(Date.now());
        if (attempt < 3) throw new Error(`flaky ${attempt}`);
        return 'third time lucky';
      });
      const job = await q.add({});
      await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('third time lucky');
      expect(starts).toHaveLength(3);
      expect((starts[1] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(140);
      expect((starts[2] as number) - (starts[1] as number)).toBeGreaterThanOrEqual(290);
      expect(retrying.map((e) => (e.payload as WaitlineEventMap['job:retrying']).attempt)).toEqual([1, 2]);
      expect(retrying.map((e) => (e.payload as WaitlineEventMap['job:retrying']).error.message)).toEqual(['flaky 1', 'flaky 2']);
      expect((await job.status()).attempt).toBe(3);
    });

    it('fails into the dead-letter set when attempts run out, and retry(id) re-drives it', async () => {
      const q = live.queue('dead', { retry: { attempts: 2, backoff: { kind: 'fixed', delayMs: 10 } } });
      let healthy = false;
      const failed = record(q, 'job:failed');
      live.worker(q, async () => {
        if (!healthy) throw new Error('still broken');
        return 'fixed';
      });
      const job = await q.add({});
      await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_FAILED' });
      expect((await q.listFailed()).items.map((j) => j.id)).toEqual([job.id]);
      expect(failed).toHaveLength(1);
      const status = await job.status();
      expect(status).toMatchObject({ state: 'failed', attempt: 2 });
      expect(status.error?.message).toBe('still broken');
      healthy = true;
      await q.retry(job.id);
      await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('fixed');
    });

    it('PermanentJobError skips the attempts left; a custom backoff decides from the error', async () => {
      const q = live.queue('permanent', {
        retry: { attempts: 5, backoff: { kind: 'custom', delay: ({ error }) => ((error as Error).message === 'retry me' ? 20 : null) } },
      });
      live.worker(q, async (job) => {
        const kind = (job.payload as { kind: string }).kind;
        if (kind === 'permanent') throw new PermanentJobError('bad payload, never retry');
        throw new Error(kind === 'custom-stop' ? 'stop' : 'retry me');
      });
      const permanent = await q.add({ kind: 'permanent' });
      const stop = await q.add({ kind: 'custom-stop' });
      const retried = await q.add({ kind: 'retried' });
      await q.whenIdle({ timeoutMs: 5_000 });
      expect((await permanent.status()).attempt).toBe(1);
      expect((await stop.status()).attempt).toBe(1);
      expect(await retried.status()).toMatchObject({ state: 'failed', attempt: 5 });
      expect((await permanent.status()).error?.code).toBe('PERMANENT_JOB_ERROR');
    });

    it('timeoutMs aborts the signal with a timeout reason; a handler ignoring it is failed after the grace period', async () => {
      const q = live.queue('timeouts', { timeoutMs: 100 });
      const reasons: unknown[] = [];
      const release = gate();
      live.worker(
        q,
        async (job, { signal }) => {
          if ((job.payload as { ignore: boolean }).ignore) {
            await release.promise;
            return 'too late';
          }
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
          reasons.push(signal.reason);
        },
        { concurrency: 2, timeoutGraceMs: 200 },
      );
      const polite = await q.add({ ignore: false });
      const stubborn = await q.add({ ignore: true });
      await q.whenIdle({ timeoutMs: 5_000 });
      release.open();
      const a = await polite.status();
      const b = await stubborn.status();
      expect(a).toMatchObject({ state: 'failed' });
      expect(a.error?.code).toBe('JOB_TIMEOUT');
      expect(b).toMatchObject({ state: 'failed' });
      expect(b.error?.code).toBe('JOB_TIMEOUT');
      expect((b.finishedAt as number) - (b.startedAt as number)).toBeGreaterThanOrEqual(280);
    });

    it('progress is stored, shown by status and emitted', async () => {
      const q = live.queue('progress');
      const step = gate();
      const events = record(q, 'job:progress');
      live.worker(q, async (_job, { progress }) => {
        await progress({ percent: 40, stage: 'transcribe', data: { words: 12 } });
        await step.promise;
      });
      const job = await q.add({});
      await until(async () => (await job.status()).progress?.percent === 40, 'progress to be stored');
      const status = await job.status();
      expect(status.progress).toMatchObject({ percent: 40, stage: 'transcribe', data: { words: 12 } });
      expect(status.state).toBe('running');
      expect(status.eta?.startsInMs).toBe(0);
      expect(events).toHaveLength(1);
      step.open();
      await job.finished({ timeoutMs: 5_000 });
    });

    it('never runs more at once than the queue allows across workers, nor more than each worker allows', async () => {
      const q = live.queue('bounded', { concurrency: 3 });
      let running = 0;
      let peak = 0;
      const perWorker = new Map<string, number>();
      let peakPerWorker = 0;
      const handler = async (_job: unknown, ctx: { workerId: string }) => {
        running++;
        perWorker.set(ctx.workerId, (perWorker.get(ctx.workerId) ?? 0) + 1);
        peak = Math.max(peak, running);
        peakPerWorker = Math.max(peakPerWorker, ...perWorker.values());
        await sleep(5 + Math.random() * 10);
        perWorker.set(ctx.workerId, (perWorker.get(ctx.workerId) ?? 1) - 1);
        running--;
      };
      for (let i = 0; i < 3; i++) live.worker(q, handler, { concurrency: 2 });
      await q.addBulk(Array.from({ length: 60 }, (_, n) => ({ payload: { n } })));
      await q.whenIdle({ timeoutMs: 15_000 });
      expect(peak).toBe(3);
      expect(peakPerWorker).toBeLessThanOrEqual(2);
      expect((await q.getStats()).counts.completed).toBe(60);
    });

    it('aborted signals carry a typed reason', async () => {
      const q = live.queue('reasons', { timeoutMs: 50 });
      let reason: unknown;
      live.worker(q, async (_job, { signal }) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        reason = signal.reason;
      });
      await (await q.add({})).finished().catch(() => undefined);
      expect(reason).toBeInstanceOf(JobAbortedError);
      expect(reason).toMatchObject({ kind: 'timeout', code: 'JOB_TIMEOUT' });
    });
  });
}
