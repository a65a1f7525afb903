/**
 * Queue control: stored queue config (defaults, partial updates, pause that holds across handles
 * and reopening), removing jobs by state and age (never running), and the queued-only moves
 * `changePriority` and `promote`.
 * @internal
 */
import { InvalidTransitionError, JobNotFoundError, type JobState, removeJobsInBatches, type Storage, ValidationError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addQueue, claim, claimEach, claimOne, expectError, finishJob, ids, listAll, QUEUE, reread, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** One job in each state: completed, failed, cancelled, running, queued (ready), queued (scheduled). */
async function oneOfEach(s: Storage, queue = QUEUE) {
  const at = { queue };
  const completed = await finishJob(s, { ...at, now: T0, claimAt: T0, finishAt: T0 + 1, outcome: 'completed' });
  const failed = await finishJob(s, { ...at, now: T0 + 2, claimAt: T0 + 2, finishAt: T0 + 3, outcome: 'failed' });
  const cancelled = await add(s, {}, { ...at, now: T0 + 4 });
  await s.cancel({ queue: cancelled.queue, id: cancelled.id, now: T0 + 4 });
  await add(s, {}, { ...at, now: T0 + 5 });
  const running = await claimOne(s, { ...at, now: T0 + 5 });
  const ready = await add(s, {}, { ...at, now: T0 + 6 });
  const scheduled = await add(s, { runAt: T0 + 1_000_000 }, { ...at, now: T0 + 6 });
  return { completed, failed, cancelled, running, ready, scheduled };
}

/** Registers the control area: queue config, pause, `removeJobs`, `changePriority`, `promote`. */
export function describeControl(harness: StorageHarness): void {
  describe('queue control', () => {
    const storage = useStorage(harness);

    it('a new queue has no limits and is not paused; an unknown queue reads as null', async () => {
      const s = storage();
      expect(await s.getQueue(QUEUE)).toBeNull();
      const created = await s.upsertQueue({ name: QUEUE, now: T0 });
      expect(created).toEqual({ name: QUEUE, concurrency: null, maxSize: null, paused: false, maxStalls: 1, draining: false });
      expect(await s.getQueue(QUEUE)).toEqual(created);
      expect(await s.getQueue('other')).toBeNull();
    });

    it('listQueues lists every queue configured or added to, by name, with its stored config', async () => {
      const s = storage();
      expect(await s.listQueues()).toEqual([]);
      await s.upsertQueue({ name: 'zeta', concurrency: 2, now: T0 });
      await add(s, {}, { queue: 'alpha', now: T0 });
      await s.upsertQueue({ name: 'mid', paused: true, now: T0 });
      const listed = await s.listQueues();
      expect(listed.map((q) => q.name)).toEqual(['alpha', 'mid', 'zeta']);
      expect(listed[0]).toEqual(await s.getQueue('alpha'));
      expect(listed[1]).toMatchObject({ paused: true });
      expect(listed[2]).toMatchObject({ concurrency: 2 });
      // Code-unit order, as JavaScript sorts: U+1F600 (a surrogate pair, 0xD83D...) before U+FF5A.
      await s.upsertQueue({ name: 'ｚ-fullwidth', now: T0 });
      await s.upsertQueue({ name: '😀-emoji', now: T0 });
      expect((await s.listQueues()).map((q) => q.name)).toEqual(['alpha', 'mid', 'zeta', '😀-emoji', 'ｚ-fullwidth']);
    });

    it('upsertQueue changes only the fields given', async () => {
      const s = storage();
      expect(await addQueue(s, { concurrency: 3, maxSize: 10 })).toEqual({
        name: QUEUE,
        concurrency: 3,
        maxSize: 10,
        paused: false,
        maxStalls: 1,
        draining: false,
      });
      expect(await addQueue(s, { paused: true })).toEqual({ name: QUEUE, concurrency: 3, maxSize: 10, paused: true, maxStalls: 1, draining: false });
      expect(await addQueue(s, { maxSize: null })).toEqual({ name: QUEUE, concurrency: 3, maxSize: null, paused: true, maxStalls: 1, draining: false });
      expect(await addQueue(s, { concurrency: 1, paused: false })).toEqual({
        name: QUEUE,
        concurrency: 1,
        maxSize: null,
        paused: false,
        maxStalls: 1,
        draining: false,
      });
      expect(await addQueue(s, {})).toEqual({ name: QUEUE, concurrency: 1, maxSize: null, paused: false, maxStalls: 1, draining: false });
      expect(await s.getQueue(QUEUE)).toEqual({ name: QUEUE, concurrency: 1, maxSize: null, paused: false, maxStalls: 1, draining: false });
      await addQueue(s, { name: 'other', concurrency: 7 });
      expect(await s.getQueue(QUEUE)).toEqual({ name: QUEUE, concurrency: 1, maxSize: null, paused: false, maxStalls: 1, draining: false });
    });

    it('pause blocks claims on every handle and survives reopening', async (ctx) => {
      const s = storage();
      if (!s.capabilities.reopenable) return ctx.skip();
      await addQueue(s);
      const job = await add(s);
      await addQueue(s, { paused: true });
      const second = await harness.open(s.describe());
      try {
        expect(await second.getQueue(QUEUE)).toEqual({ name: QUEUE, concurrency: null, maxSize: null, paused: true, maxStalls: 1, draining: false });
        expect(await claim(second, { now: T0 + 1 })).toEqual([]);
        expect(await claim(s, { now: T0 + 1 })).toEqual([]);
        await second.upsertQueue({ name: QUEUE, paused: false, now: T0 + 2 });
        expect(ids(await claim(s, { now: T0 + 3 }))).toEqual([job.id]);
      } finally {
        await second.close();
      }
    });

    it('running jobs go on while paused: they renew, report progress and complete', async () => {
      const s = storage();
      await addQueue(s);
      await add(s);
      const running = await claimOne(s);
      await addQueue(s, { paused: true }, T0 + 1);
      const lease = { id: running.id, leaseToken: running.leaseToken ?? '' };
      const [renewed] = await s.renewLeases({ workerId: running.workerId ?? '', queue: running.queue, leases: [lease], leaseMs: 5_000, now: T0 + 2 });
      expect(renewed?.held).toBe(true);
      await s.reportProgress({ queue: QUEUE, ...lease, progress: { percent: 50, stage: null }, now: T0 + 3 });
      expect((await settleOk(s, running, T0 + 4)).state).toBe('completed');
    });

    it('removeJobs removes the given states of one queue and never a running job', async () => {
      const s = storage();
      await addQueue(s);
      await addQueue(s, { name: 'other' });
      const jobs = await oneOfEach(s);
      const elsewhere = await oneOfEach(s, 'other');
      expect(await s.removeJobs({ queue: QUEUE, states: ['completed'], limit: 1_000 })).toBe(1);
      expect(await s.getJob({ queue: QUEUE, id: jobs.completed.id })).toBeNull();
      expect(await s.removeJobs({ queue: QUEUE, states: ['failed', 'cancelled'], limit: 1_000 })).toBe(2);
      expect(ids(await listAll(s))).toEqual(ids([jobs.running, jobs.ready, jobs.scheduled]));
      expect(await s.removeJobs({ queue: QUEUE, states: ['queued', 'completed', 'failed', 'cancelled'], limit: 1_000 })).toBe(2);
      expect(ids(await listAll(s))).toEqual([jobs.running.id]);
      expect(await reread(s, jobs.running)).toEqual(jobs.running);
      // 'running' is outside the type; a storage given it anyway must still keep the job.
      const states = ['running'] as unknown as Array<Exclude<JobState, 'running'>>;
      const refused = await s.removeJobs({ queue: QUEUE, states, limit: 1_000 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect(refused).toMatchObject({ code: 'VALIDATION', path: ['states'] });
      expect(await reread(s, jobs.running)).toEqual(jobs.running);
      expect(await listAll(s, 'other')).toHaveLength(Object.keys(elsewhere).length);
    });

    it('removeJobs removes at most limit per call; removeJobsInBatches repeats it until all are gone', async () => {
      const s = storage();
      await addQueue(s);
      for (let i = 0; i < 5; i++) await add(s, {}, { now: T0 + i });
      const removed: number[] = [];
      for (let i = 0; i < 4; i++) removed.push(await s.removeJobs({ queue: QUEUE, states: ['queued'], limit: 2 }));
      expect(removed).toEqual([2, 2, 1, 0]);
      for (let i = 0; i < 7; i++) await add(s, {}, { now: T0 + 10 + i });
      expect(await removeJobsInBatches(s, { queue: QUEUE, states: ['queued'] })).toBe(7);
      expect(await listAll(s)).toEqual([]);
    });

    it('removeJobs with olderThan removes only jobs finished (final) or created (queued) before it', async () => {
      const s = storage();
      await addQueue(s);
      const oldDone = await finishJob(s, { now: T0, claimAt: T0 + 10, finishAt: T0 + 100, outcome: 'completed' });
      const newDone = await finishJob(s, { now: T0 + 10, claimAt: T0 + 20, finishAt: T0 + 500, outcome: 'completed' });
      const oldQueued = await add(s, { runAt: T0 + 1_000_000 }, { now: T0 + 50 });
      const newQueued = await add(s, { runAt: T0 + 1_000_000 }, { now: T0 + 400 });
      expect(await s.removeJobs({ queue: QUEUE, states: ['completed', 'queued'], olderThan: T0 + 300, limit: 1_000 })).toBe(2);
      expect(ids(await listAll(s))).toEqual(ids([newDone, newQueued]));
      expect(await s.getJob({ queue: QUEUE, id: oldDone.id })).toBeNull();
      expect(await s.getJob({ queue: QUEUE, id: oldQueued.id })).toBeNull();
    });

    it('removing queued jobs frees room under maxSize', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 1 });
      await add(s);
      expect(await s.removeJobs({ queue: QUEUE, states: ['queued'], limit: 1_000 })).toBe(1);
      await add(s, {}, { now: T0 + 1 });
      expect(await listAll(s)).toHaveLength(1);
    });

    it('changePriority changes a queued job, scheduled or ready, and refuses every other state', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await oneOfEach(s);
      expect(await s.changePriority({ queue: jobs.ready.queue, id: jobs.ready.id, priority: 4 })).toEqual({ ...jobs.ready, priority: 4 });
      expect(await s.changePriority({ queue: jobs.scheduled.queue, id: jobs.scheduled.id, priority: 1 })).toEqual({ ...jobs.scheduled, priority: 1 });
      for (const job of [jobs.running, jobs.completed, jobs.failed, jobs.cancelled]) {
        const before = await reread(s, job);
        const err = await expectError(s.changePriority({ queue: job.queue, id: job.id, priority: 4 }), InvalidTransitionError, 'INVALID_TRANSITION');
        expect(err.from).toBe(before.state);
        expect(await reread(s, job)).toEqual(before);
      }
      await expectError(s.changePriority({ queue: QUEUE, id: 'no-such-job', priority: 4 }), JobNotFoundError, 'JOB_NOT_FOUND');
    });

    it('promote makes a scheduled job ready now, returns a ready one unchanged, refuses the rest', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await oneOfEach(s);
      const promoted = await s.promote({ queue: jobs.scheduled.queue, id: jobs.scheduled.id, now: T0 + 20 });
      expect(promoted).toEqual({ ...jobs.scheduled, runAt: T0 + 20 });
      expect(await s.getPosition({ queue: jobs.scheduled.queue, id: jobs.scheduled.id, now: T0 + 20 })).toBe(2);
      expect(await s.promote({ queue: jobs.ready.queue, id: jobs.ready.id, now: T0 + 30 })).toEqual(jobs.ready);
      expect(await reread(s, jobs.ready)).toEqual(jobs.ready);
      for (const job of [jobs.running, jobs.completed, jobs.failed, jobs.cancelled]) {
        const before = await reread(s, job);
        await expectError(s.promote({ queue: job.queue, id: job.id, now: T0 + 40 }), InvalidTransitionError, 'INVALID_TRANSITION');
        expect(await reread(s, job)).toEqual(before);
      }
      await expectError(s.promote({ queue: QUEUE, id: 'no-such-job', now: T0 }), JobNotFoundError, 'JOB_NOT_FOUND');
      expect(ids(await claimEach(s, { now: T0 + 50 }))).toEqual([jobs.ready.id, jobs.scheduled.id]);
    });
  });
}
