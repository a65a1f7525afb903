/**
 * Position and its inputs: a 1-based rank among ready jobs that follows the ordering rule, and
 * the consistent read an ETA is computed from (work ahead by name, running and finished samples,
 * live workers).
 * @internal
 */
import type { JobRecord, Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addMany, addQueue, claimOne, finishJob, nth, QUEUE, reread, settleFail, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** When the scene below is read. */
const READ_AT = T0 + 300;
const positionParams = { now: READ_AT, sampleLimit: 10, aheadListLimit: 10, aheadWorkLimit: 100, dueAheadLimit: 100, workerStaleMs: 60_000 };

/** Registers the position area: `getPosition` and `getPositionInputs`. */
export function describePosition(harness: StorageHarness): void {
  describe('position', () => {
    const storage = useStorage(harness);

    async function positions(s: Storage, jobs: JobRecord[], now: number): Promise<Array<number | null>> {
      return Promise.all(jobs.map((j) => s.getPosition({ queue: j.queue, id: j.id, now })));
    }

    it('numbers ready jobs from 1 in claim order', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addMany(s, [{}, { priority: 3 }, {}, { priority: 1 }]);
      expect(await positions(s, jobs, T0)).toEqual([2, 1, 3, 4]);
    });

    it('is null for scheduled, running, completed, failed and cancelled jobs, and for an unknown id', async () => {
      const s = storage();
      await addQueue(s);
      const completed = await finishJob(s, { claimAt: T0, finishAt: T0 + 1, outcome: 'completed' });
      const failed = await finishJob(s, { claimAt: T0 + 2, finishAt: T0 + 3, outcome: 'failed' });
      const running = await add(s, {}, { now: T0 + 4 });
      expect((await claimOne(s, { now: T0 + 4 })).id).toBe(running.id);
      const cancelled = await add(s, {}, { now: T0 + 5 });
      await s.cancel({ queue: cancelled.queue, id: cancelled.id, now: T0 + 5 });
      const scheduled = await add(s, { runAt: T0 + 1_000 }, { now: T0 + 5 });
      const ready = await add(s, {}, { now: T0 + 6 });
      const now = T0 + 10;
      expect(await positions(s, [completed, failed, running, cancelled, scheduled, ready], now)).toEqual([null, null, null, null, null, 1]);
      expect(await s.getPosition({ queue: QUEUE, id: 'no-such-job', now })).toBeNull();
    });

    it('a scheduled job gets its position once due', async () => {
      const s = storage();
      await addQueue(s);
      const scheduled = await add(s, { runAt: T0 + 100 });
      const later = await add(s, {}, { now: T0 + 150 });
      expect(await s.getPosition({ queue: scheduled.queue, id: scheduled.id, now: T0 + 99 })).toBeNull();
      expect(await s.getPosition({ queue: scheduled.queue, id: scheduled.id, now: T0 + 100 })).toBe(1);
      expect(await positions(s, [scheduled, later], T0 + 200)).toEqual([1, 2]);
    });

    it('follows changePriority at once', async () => {
      const s = storage();
      await addQueue(s);
      const jobs = await addMany(s, [{}, {}, {}]);
      const changed = await s.changePriority({ queue: QUEUE, id: nth(jobs, 2).id, priority: 3 });
      expect(changed).toEqual({ ...nth(jobs, 2), priority: 3 });
      expect(await positions(s, jobs, T0)).toEqual([2, 3, 1]);
      await s.changePriority({ queue: QUEUE, id: nth(jobs, 2).id, priority: 1 });
      expect(await positions(s, jobs, T0)).toEqual([1, 2, 3]);
    });

    it('follows promote at once', async () => {
      const s = storage();
      await addQueue(s);
      const early = await add(s, {}, { now: T0 });
      const scheduled = await add(s, { runAt: T0 + 10_000 }, { now: T0 });
      const late = await add(s, {}, { now: T0 + 60 });
      expect(await positions(s, [early, scheduled, late], T0 + 100)).toEqual([1, null, 2]);
      const promoted = await s.promote({ queue: scheduled.queue, id: scheduled.id, now: T0 + 50 });
      expect(promoted).toEqual({ ...scheduled, runAt: T0 + 50 });
      expect(await positions(s, [early, scheduled, late], T0 + 100)).toEqual([1, 2, 3]);
    });

    it('drops by one when a job ahead is claimed or cancelled', async () => {
      const s = storage();
      await addQueue(s);
      const [first, second, third] = await addMany(s, [{}, {}, {}]);
      await claimOne(s, { now: T0 + 1 });
      expect(await s.getPosition({ queue: third?.queue ?? QUEUE, id: third?.id ?? '', now: T0 + 1 })).toBe(2);
      await s.cancel({ queue: second?.queue ?? QUEUE, id: second?.id ?? '', now: T0 + 2 });
      expect(await s.getPosition({ queue: third?.queue ?? QUEUE, id: third?.id ?? '', now: T0 + 2 })).toBe(1);
      expect(await s.getPosition({ queue: first?.queue ?? QUEUE, id: first?.id ?? '', now: T0 + 2 })).toBeNull();
    });

    it('position inputs: ahead, work ahead by name, running and finished samples, config, live workers', async () => {
      const s = storage();
      const scene = await seedEtaScene(s);
      const inputs = await s.getPositionInputs({ queue: scene.target.queue, id: scene.target.id, ...positionParams });
      expect(inputs).not.toBeNull();
      if (!inputs) return;
      expect(inputs.job).toEqual(await reread(s, scene.target));
      expect(inputs.ahead).toBe(4);
      expect(await s.getPosition({ queue: scene.target.queue, id: scene.target.id, now: READ_AT })).toBe(5);
      expect([...inputs.aheadWork].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'ocr', count: 1, sizedCount: 0, sizeSum: 0 },
        { name: 'transcribe', count: 3, sizedCount: 2, sizeSum: 30 },
      ]);
      expect(inputs.aheadWorkOf).toBe(4);
      expect(inputs.aheadJobs).toEqual([
        { name: 'transcribe', size: 10 },
        { name: 'ocr', size: null },
        { name: 'transcribe', size: 20 },
        { name: 'transcribe', size: null },
      ]);
      expect(inputs.running).toEqual([{ id: scene.running.id, name: 'transcribe', size: 100, startedAt: T0 + 120, progressPercent: 40 }]);
      expect(inputs.recent).toHaveLength(2);
      expect(inputs.recent).toEqual(
        expect.arrayContaining([
          { name: 'transcribe', state: 'completed', priority: 3, size: 50, createdAt: T0, runAt: T0, startedAt: T0 + 10, finishedAt: T0 + 70 },
          { name: 'ocr', state: 'failed', priority: 2, size: null, createdAt: T0 + 75, runAt: T0 + 75, startedAt: T0 + 80, finishedAt: T0 + 100 },
        ]),
      );
      expect(inputs.config).toEqual({ name: QUEUE, concurrency: 2, maxSize: null, paused: false, maxStalls: 1, draining: false });
      expect(inputs.liveWorkers).toEqual([{ id: 'w-live', queue: QUEUE, host: 'host-a', pid: 101, concurrency: 2, startedAt: T0 + 250, lastSeenAt: T0 + 250 }]);
    });

    it('position inputs read every limit given as Infinity as no limit', async () => {
      const s = storage();
      const scene = await seedEtaScene(s);
      const ref = { queue: scene.target.queue, id: scene.target.id };
      const unbounded = await s.getPositionInputs({
        ...ref,
        ...positionParams,
        sampleLimit: Infinity,
        aheadListLimit: Infinity,
        aheadWorkLimit: Infinity,
        dueAheadLimit: Infinity,
      });
      const bounded = await s.getPositionInputs({
        ...ref,
        ...positionParams,
        sampleLimit: 1_000,
        aheadListLimit: 1_000,
        aheadWorkLimit: 1_000,
        dueAheadLimit: 1_000,
      });
      expect(unbounded).toEqual(bounded);
      expect(unbounded?.aheadWorkOf).toBe(4);
      expect(unbounded?.recent).toHaveLength(2);
    });

    it('position inputs group only the first aheadWorkLimit jobs ahead, in claim order, and still count every one', async () => {
      const s = storage();
      const { target } = await seedEtaScene(s);
      const at = async (aheadWorkLimit: number) => {
        const inputs = await s.getPositionInputs({ queue: target.queue, id: target.id, ...positionParams, aheadListLimit: 0, aheadWorkLimit });
        return { ahead: inputs?.ahead, of: inputs?.aheadWorkOf, work: [...(inputs?.aheadWork ?? [])].sort((a, b) => a.name.localeCompare(b.name)) };
      };
      // Ahead in claim order: transcribe (10), ocr, transcribe (20), transcribe (no size).
      expect(await at(1)).toEqual({ ahead: 4, of: 1, work: [{ name: 'transcribe', count: 1, sizedCount: 1, sizeSum: 10 }] });
      expect(await at(3)).toEqual({
        ahead: 4,
        of: 3,
        work: [
          { name: 'ocr', count: 1, sizedCount: 0, sizeSum: 0 },
          { name: 'transcribe', count: 2, sizedCount: 2, sizeSum: 30 },
        ],
      });
      expect((await at(4)).of).toBe(4);
      expect((await at(1_000)).of).toBe(4);
      const first = await at(0);
      expect(first).toEqual({ ahead: 4, of: 0, work: [] });
    });

    it('position inputs list the jobs ahead only while ahead <= aheadListLimit', async () => {
      const s = storage();
      const { target } = await seedEtaScene(s);
      const at = async (aheadListLimit: number) =>
        (await s.getPositionInputs({ queue: target.queue, id: target.id, ...positionParams, aheadListLimit }))?.aheadJobs;
      expect(await at(4)).toHaveLength(4);
      expect(await at(3)).toBeNull();
      expect(await at(0)).toBeNull();
    });

    it('position inputs return at most sampleLimit recent samples, the most recently finished', async () => {
      const s = storage();
      const { target } = await seedEtaScene(s);
      const inputs = await s.getPositionInputs({ queue: target.queue, id: target.id, ...positionParams, sampleLimit: 1 });
      expect(inputs?.recent).toEqual([
        { name: 'ocr', state: 'failed', priority: 2, size: null, createdAt: T0 + 75, runAt: T0 + 75, startedAt: T0 + 80, finishedAt: T0 + 100 },
      ]);
    });

    it('position inputs of a job that is not ready say ahead null; an unknown id gives null', async () => {
      const s = storage();
      const scene = await seedEtaScene(s);
      const running = await s.getPositionInputs({ queue: scene.running.queue, id: scene.running.id, ...positionParams });
      expect(running?.ahead).toBeNull();
      expect(running?.aheadWorkOf).toBe(0);
      expect(running?.aheadWork).toEqual([]);
      expect(running?.job.state).toBe('running');
      const scheduled = await s.getPositionInputs({ queue: scene.scheduled.queue, id: scene.scheduled.id, ...positionParams });
      expect(scheduled?.ahead).toBeNull();
      expect(scheduled?.aheadWorkOf).toBe(0);
      expect(scheduled?.job.id).toBe(scene.scheduled.id);
      expect(await s.getPositionInputs({ queue: QUEUE, id: 'no-such-job', ...positionParams })).toBeNull();
    });

    it('position inputs of the first ready job: nothing ahead, an empty list', async () => {
      const s = storage();
      const scene = await seedEtaScene(s);
      const first = await s.getPositionInputs({ queue: scene.first.queue, id: scene.first.id, ...positionParams });
      expect(first?.ahead).toBe(0);
      expect(first?.aheadWork).toEqual([]);
      expect(first?.aheadWorkOf).toBe(0);
      expect(first?.aheadJobs).toEqual([]);
    });
  });
}

/**
 * A queue (concurrency 2) holding: a completed and a failed job (the finished samples), a
 * cancelled one (not a sample), a running one with 40% progress, four ready jobs ahead of the
 * target (one at high priority), one behind it, a scheduled high-priority job, a ready job in
 * another queue, and three workers (live, stale, other queue).
 */
async function seedEtaScene(s: Storage) {
  await addQueue(s, { concurrency: 2 });
  await addQueue(s, { name: 'other' });
  await finishJob(s, {
    overrides: { name: 'transcribe', size: 50, priority: 3 },
    now: T0,
    claimAt: T0 + 10,
    finishAt: T0 + 70,
    outcome: 'completed',
  });
  const ocr = await add(s, { name: 'ocr', maxAttempts: 1 }, { now: T0 + 75 });
  await settleFail(s, await claimOne(s, { now: T0 + 80 }), T0 + 100, null);
  expect((await reread(s, ocr)).state).toBe('failed');

  const cancelled = await add(s, { name: 'ocr', size: 3 }, { now: T0 + 110 });
  await s.cancel({ queue: cancelled.queue, id: cancelled.id, now: T0 + 115 });

  const running = await add(s, { name: 'transcribe', size: 100 }, { now: T0 + 118 });
  const claimed = await claimOne(s, { now: T0 + 120, workerId: 'w-live' });
  expect(claimed.id).toBe(running.id);
  await s.reportProgress({
    queue: QUEUE,
    id: claimed.id,
    leaseToken: claimed.leaseToken ?? '',
    progress: { percent: 40, stage: 'transcribe' },
    now: T0 + 130,
  });

  const [j2, j3, j4, target, behind] = await addMany(
    s,
    [{ name: 'ocr' }, { name: 'transcribe', size: 20 }, { name: 'transcribe' }, { name: 'ocr', size: 5 }, { name: 'transcribe', size: 7 }],
    { now: T0 + 200 },
  );
  const first = await add(s, { name: 'transcribe', size: 10, priority: 3 }, { now: T0 + 210 });
  const scheduled = await add(s, { name: 'transcribe', size: 1_000, priority: 4, runAt: T0 + 100_000 }, { now: T0 + 210 });
  await add(s, { name: 'transcribe', size: 9, priority: 4 }, { queue: 'other', now: T0 + 210 });

  const worker = { host: 'host-a', pid: 101, concurrency: 2 };
  await s.registerWorker({ id: 'w-stale', queue: QUEUE, ...worker, now: T0 - 100_000 });
  await s.registerWorker({ id: 'w-other', queue: 'other', ...worker, now: T0 + 250 });
  await s.registerWorker({ id: 'w-live', queue: QUEUE, ...worker, now: T0 + 250 });

  if (!target || !behind || !j2 || !j3 || !j4) throw new Error('seedEtaScene: enqueue returned too few jobs');
  return { target, running: claimed, scheduled, first };
}
