/**
 * Contract area: the `Queue` API on a real storage: every bad input is a typed error with a path
 * and writes nothing; bulk adds are all or nothing; idempotency, max size, pause, status, position
 * and ETA behave the same on every storage.
 */
import {
  InvalidTransitionError,
  JobFailedError,
  JobNotFoundError,
  PermanentJobError,
  priority,
  Queue,
  QueueEvents,
  QueueFullError,
  ValidationError,
} from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StorageHarness } from '../harness.js';
import { record, useLive } from '../live.js';

const payload = z.object({ meetingId: z.string(), audioSeconds: z.number().positive() });

async function expectValidation(promise: Promise<unknown>, path: Array<string | number>): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).code).toBe('VALIDATION');
  expect((err as ValidationError).path).toEqual(path);
}

/** Registers the Queue API area. */
export function describeQueueApi(harness: StorageHarness): void {
  describe(`${harness.name}: queue api`, () => {
    const live = useLive(harness);

    it('rejects every bad input with a typed error naming the path, and writes nothing', async () => {
      const q = live.queue('validate', { payload });
      const ok = { meetingId: 'm', audioSeconds: 10 };
      await expectValidation(q.add('not an object' as never), ['payload']);
      await expectValidation(q.add({ meetingId: 'm', audioSeconds: -5 }), ['payload', 'audioSeconds']);
      await expectValidation(q.add({ meetingId: 7 } as never), ['payload', 'meetingId']);
      await expectValidation(q.add(ok, { priority: 0 }), ['options', 'priority']);
      await expectValidation(q.add(ok, { priority: 1.5 }), ['options', 'priority']);
      await expectValidation(q.add(ok, { delayMs: -1 }), ['options', 'delayMs']);
      await expectValidation(q.add(ok, { timeoutMs: Number.POSITIVE_INFINITY }), ['options', 'timeoutMs']);
      await expectValidation(q.add(ok, { size: 0 }), ['options', 'size']);
      await expectValidation(q.add(ok, { attempts: 0 }), ['options', 'attempts']);
      await expectValidation(q.add(ok, { backoff: { kind: 'sometimes' } as never }), ['options', 'backoff', 'kind']);
      await expectValidation(q.changePriority('some-id', 99_999), ['priority']);
      await expectValidation(q.getStatus(''), ['id']);
      expect(() => new Queue(live.storage(), 'no spaces allowed')).toThrow(ValidationError);
      expect(() => new Queue(live.storage(), 'x', { concurrency: 0 })).toThrow(ValidationError);
      expect(() => new Queue(live.storage(), 'x', { retry: { attempts: 2, backoff: { kind: 'fixed', delayMs: -1 } } })).toThrow(ValidationError);
      expect((await q.listJobs()).items).toHaveLength(0);
    });

    it('adds all jobs of a bulk or none, naming the bad entry', async () => {
      const q = live.queue('bulk', { payload });
      const jobs = [
        { payload: { meetingId: 'a', audioSeconds: 1 } },
        { payload: { meetingId: 'b', audioSeconds: -1 } },
        { payload: { meetingId: 'c', audioSeconds: 1 } },
      ];
      await expectValidation(q.addBulk(jobs), ['jobs', 1, 'payload', 'audioSeconds']);
      expect((await q.listJobs()).items).toHaveLength(0);
      const added = await q.addBulk([jobs[0], jobs[2]].map((j) => ({ ...j, options: { priority: priority.high } })) as never);
      expect(added.map((j) => j.payload)).toEqual([jobs[0]?.payload, jobs[2]?.payload]);
      expect((await q.listJobs()).items).toHaveLength(2);
    });

    it('unknown ids and forbidden transitions are typed errors', async () => {
      const q = live.queue('errors');
      await expect(q.getStatus('missing')).rejects.toBeInstanceOf(JobNotFoundError);
      await expect(q.cancel('missing')).rejects.toBeInstanceOf(JobNotFoundError);
      await expect(q.retry('missing')).rejects.toBeInstanceOf(JobNotFoundError);
      const job = await q.add({ n: 1 });
      await expect(q.retry(job.id)).rejects.toBeInstanceOf(InvalidTransitionError);
      const other = live.queue('errors-other');
      await expect(other.getStatus(job.id)).rejects.toBeInstanceOf(JobNotFoundError);
    });

    it('a second add with the same idempotency key returns the first job and writes nothing', async () => {
      const q = live.queue('idem');
      const first = await q.add({ n: 1 }, { idempotencyKey: 'meeting-42' });
      const second = await q.add({ n: 2 }, { idempotencyKey: 'meeting-42' });
      expect(second.id).toBe(first.id);
      expect(second.inserted).toBe(false);
      expect(second.payload).toEqual({ n: 1 });
      expect((await q.listJobs()).items).toHaveLength(1);
    });

    it('maxSize is stored and enforced with QueueFullError', async () => {
      const q = live.queue('small', { maxSize: 2 });
      await q.add({ n: 1 });
      await q.add({ n: 2 });
      const err = await q.add({ n: 3 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueFullError);
      expect((err as QueueFullError).code).toBe('QUEUE_FULL');
      await expect(q.addBulk([{ payload: { n: 4 } }])).rejects.toBeInstanceOf(QueueFullError);
      expect((await q.listJobs()).items).toHaveLength(2);
      expect((await new Queue(live.storage(), 'small').getConfig()).maxSize).toBe(2);
    });

    it('status reports position by the ordering rule, scheduled jobs, and an unknown ETA before any job finished', async () => {
      const q = live.queue('status');
      const a = await q.add({ n: 1 });
      const b = await q.add({ n: 2 }, { priority: priority.urgent });
      const later = await q.add({ n: 3 }, { delayMs: 60_000 });
      expect((await a.status()).position).toBe(2);
      expect((await b.status()).position).toBe(1);
      expect(await q.getPosition(a.id)).toBe(2);
      const delayed = await later.status();
      expect(delayed).toMatchObject({ state: 'queued', scheduled: true, position: null });
      expect((await a.status()).eta?.basis).toBe('no-workers');
      await q.changePriority(a.id, priority.urgent + 1);
      expect((await a.status()).position).toBe(1);
      await q.promote(later.id);
      expect((await later.status()).position).toBe(3);
      await q.pause();
      expect(await a.status()).toMatchObject({ position: 1, eta: { startsInMs: null, finishesInMs: null, basis: 'paused' } });
      await q.resume();
      expect((await a.status()).eta?.basis).toBe('no-workers');
    });

    it('ETA turns from unknown to history once jobs finish, and counts the jobs ahead', async () => {
      const q = live.queue('eta', { concurrency: 1 });
      const w = live.worker(q, async () => new Promise((r) => setTimeout(r, 30)), { concurrency: 1 });
      await w.start();
      const first = await q.add({ n: 0 });
      await first.finished();
      await w.close();
      const jobs = await q.addBulk(Array.from({ length: 4 }, (_, n) => ({ payload: { n } })));
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const w2 = live.worker(q, async () => held, { concurrency: 1 });
      try {
        await w2.start();
        for (let i = 0; i < 500 && (await jobs[0]!.status()).state !== 'running'; i++) await new Promise((r) => setTimeout(r, 10));
        const last = await jobs[3]?.status();
        expect(last?.position).toBe(3);
        expect(last?.eta?.basis).toBe('history');
        expect(last?.eta?.startsInMs).toBeGreaterThan(0);
        expect(last?.eta?.finishesInMs).toBeGreaterThan(last?.eta?.startsInMs as number);
      } finally {
        release();
        await w2.close();
      }
    });

    it('finished() resolves with the result, and rejects with JobFailedError for failed and cancelled jobs', async () => {
      const q = live.queue('finish');
      live.worker(q, async (job) => {
        if ((job.payload as { fail?: boolean }).fail) throw new PermanentJobError('bad input');
        return { doubled: (job.payload as { n: number }).n * 2 };
      });
      const ok = await q.add({ n: 21 });
      await expect(ok.finished({ timeoutMs: 5_000 })).resolves.toEqual({ doubled: 42 });
      const bad = await q.add({ n: 1, fail: true });
      const err = await bad.finished({ timeoutMs: 5_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobFailedError);
      expect((err as JobFailedError).code).toBe('JOB_FAILED');
      const gone = await q.add({ n: 2 }, { delayMs: 60_000 });
      await gone.cancel();
      await expect(gone.finished()).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    });

    it('pause is stored: another Queue object sees it, workers claim nothing, resume lets them go', async () => {
      const q = live.queue('pausable');
      await q.pause();
      expect((await new Queue(live.storage(), 'pausable').getConfig()).paused).toBe(true);
      const ran: number[] = [];
      live.worker(q, async (job) => {
        ran.push((job.payload as { n: number }).n);
      });
      const job = await q.add({ n: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(ran).toEqual([]);
      await q.resume();
      await job.finished({ timeoutMs: 5_000 });
      expect(ran).toEqual([1]);
      await q.whenIdle({ timeoutMs: 5_000 });
    });

    it('clear removes queued jobs; clean removes finished ones by age', async () => {
      const q = live.queue('cleaning');
      await q.addBulk([{ payload: { n: 1 } }, { payload: { n: 2 }, options: { delayMs: 60_000 } }]);
      expect(await q.clear()).toBe(2);
      live.worker(q, async () => 'ok');
      const done = await q.add({ n: 3 });
      await done.finished({ timeoutMs: 5_000 });
      expect(await q.clean({ state: 'completed', olderThanMs: 60_000 })).toBe(0);
      expect(await q.clean({ state: 'completed' })).toBe(1);
      expect((await q.listJobs()).items).toHaveLength(0);
    });

    it('QueueEvents hears every Queue and Worker on the storage; queue:drained follows the last job', async () => {
      const q = live.queue('observed');
      const events = new QueueEvents(live.storage(), 'observed');
      try {
        const seen = record(events, 'job:added', 'job:active', 'job:progress', 'job:completed', 'queue:drained');
        live.worker(q, async (_job, { progress }) => {
          await progress({ percent: 50, stage: 'half' });
          return 'done';
        });
        const job = await q.add({ n: 1 });
        await job.finished({ timeoutMs: 5_000 });
        await q.drain({ timeoutMs: 5_000 });
        // The worker says queue:drained after its own read finds the queue empty, which may come after drain() resolved.
        const deadline = Date.now() + 10_000;
        while (!seen.some((e) => e.event === 'queue:drained') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(seen.map((e) => e.event)).toEqual(['job:added', 'job:active', 'job:progress', 'job:completed', 'queue:drained']);
        expect(seen.every((e) => (e.payload as { queue: string }).queue === 'observed')).toBe(true);
        expect(seen[3]?.payload).toMatchObject({ jobId: job.id, result: 'done' });
      } finally {
        events.close();
      }
    });

    it('stats count jobs by state and list live workers with their capacity', async () => {
      const q = live.queue('stats', { concurrency: 2 });
      const w = live.worker(q, async () => 'ok', { concurrency: 3 });
      await w.start();
      const jobs = await q.addBulk(Array.from({ length: 5 }, (_, n) => ({ payload: { n } })));
      await Promise.all(jobs.map((j) => j.finished({ timeoutMs: 5_000 })));
      await q.add({ n: 9 }, { delayMs: 60_000 });
      const stats = await q.getStats();
      expect(stats.counts).toMatchObject({ completed: 5, scheduled: 1, ready: 0, queued: 1, running: 0 });
      expect(stats.workers.map((x) => x.id)).toEqual([w.id]);
      expect(stats.capacity).toBe(2);
      expect(stats.successRate).toBe(1);
      expect(stats.runTimeMs.count).toBe(5);
      expect(stats.throughput[0]?.completed).toBe(5);
      await w.close();
      expect((await q.getStats()).workers).toEqual([]);
    });
  });
}
