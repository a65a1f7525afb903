/**
 * Contract area: retention of finished jobs. A queue's policy is stored and shared; the
 * housekeeping lease is a compare-and-set with an expiry (one holder at a time, taken over once
 * it expires); a prune deletes bounded batches of one finished state (`maxCount` keeps exactly the
 * newest N, `maxAgeMs` removes older ones) and never a queued or running job; the ETA samples of
 * pruned (and cleaned) jobs are kept, so an ETA keeps its basis and estimate.
 * @internal
 */
import { applyRetention, type JobRecord, Queue, type RetentionPolicy, type Storage, ValidationError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, claimOne, finishJob, ids, listAll, QUEUE, T0 } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { useLive } from '../live.js';

/** A clock a test moves by hand. */
function fixedClock(at: number): { now: () => number; set: (t: number) => void } {
  let t = at;
  return { now: () => t, set: (next) => void (t = next) };
}

/** The jobs of the scene, each state's oldest first. */
interface Scene {
  completed: JobRecord[];
  failed: JobRecord[];
  cancelled: JobRecord[];
  queued: JobRecord[];
  running: JobRecord;
}

/** Finishes 5 completed, 4 failed and 3 cancelled jobs (finish times 1 s apart), then leaves 2 queued and 1 running. */
async function seedScene(s: Storage): Promise<Scene> {
  const completed: JobRecord[] = [];
  const failed: JobRecord[] = [];
  const cancelled: JobRecord[] = [];
  let t = T0;
  for (let i = 0; i < 5; i++, t += 1_000) completed.push(await finishJob(s, { now: t, claimAt: t + 10, finishAt: t + 100 + i * 10, outcome: 'completed' }));
  for (let i = 0; i < 4; i++, t += 1_000) failed.push(await finishJob(s, { now: t, claimAt: t + 10, finishAt: t + 200, outcome: 'failed' }));
  for (let i = 0; i < 3; i++, t += 1_000) {
    const job = await add(s, {}, { now: t });
    cancelled.push(await s.cancel({ queue: QUEUE, id: job.id, now: t + 50 }));
  }
  const toRun = await add(s, {}, { now: t });
  const running = await claimOne(s, { now: t + 10 });
  expect(running.id).toBe(toRun.id);
  const queued = [await add(s, {}, { now: t + 20 }), await add(s, {}, { now: t + 30 })];
  return { completed, failed, cancelled, queued, running };
}

/** The ids of the queue's jobs in `state`, oldest first. */
async function idsIn(s: Storage, state: JobRecord['state']): Promise<string[]> {
  return ids(await listAll(s, QUEUE, [state]));
}

/** A queue with a hand-moved clock and the given policy (stored by `ready()`). */
async function queueWith(s: Storage, retention: RetentionPolicy | null, at: number): Promise<{ q: Queue; clock: ReturnType<typeof fixedClock> }> {
  const clock = fixedClock(at);
  const q = new Queue(s, QUEUE, { retention, clock });
  await q.ready();
  return { q, clock };
}

/** Registers the retention area. */
export function describeRetention(harness: StorageHarness): void {
  describe('retention', () => {
    const live = useLive(harness);
    const storage = () => live.storage();

    it('maxCount keeps exactly the newest N of each finished state, and never a queued or running job', async () => {
      const s = storage();
      const scene = await seedScene(s);
      const { q } = await queueWith(s, { completed: { maxCount: 2 }, failed: { maxCount: 1 }, cancelled: { maxCount: 0 } }, T0 + 60_000);
      const pass = await applyRetention(q, { holder: 'h1', pauseMs: 0 });
      expect(pass).toEqual({ held: true, removed: { completed: 3, failed: 3, cancelled: 3 } });
      expect(await idsIn(s, 'completed')).toEqual(ids(scene.completed.slice(3)));
      expect(await idsIn(s, 'failed')).toEqual(ids(scene.failed.slice(3)));
      expect(await idsIn(s, 'cancelled')).toEqual([]);
      expect(await idsIn(s, 'queued')).toEqual(ids(scene.queued));
      expect(await idsIn(s, 'running')).toEqual([scene.running.id]);
    });

    it('maxAgeMs removes the jobs finished longer ago, by the clock given', async () => {
      const s = storage();
      const scene = await seedScene(s);
      // completed[i] finished at T0 + i*1010 + 100: a cut at T0 + 2_000 keeps completed[2..4].
      const { q } = await queueWith(s, { completed: { maxAgeMs: 10_000 } }, T0 + 12_000);
      const pass = await applyRetention(q, { holder: 'h1', pauseMs: 0 });
      expect(pass.removed).toEqual({ completed: 2, failed: 0, cancelled: 0 });
      expect(await idsIn(s, 'completed')).toEqual(ids(scene.completed.slice(2)));
      expect((await idsIn(s, 'failed')).length).toBe(4);
      const all = await applyRetention(q, { holder: 'h1', pauseMs: 0 });
      expect(all.removed.completed).toBe(0);
    });

    it('a prune deletes at most its limit per call, the oldest first, and never touches another state', async () => {
      const s = storage();
      const scene = await seedScene(s);
      const base = { queue: QUEUE, state: 'completed' as const, olderThan: null, sampleLimit: 100 };
      expect(await s.pruneFinished({ ...base, keepNewest: 1, limit: 2 })).toBe(2);
      expect(await idsIn(s, 'completed')).toEqual(ids(scene.completed.slice(2)));
      expect(await s.pruneFinished({ ...base, keepNewest: 1, limit: 2 })).toBe(2);
      expect(await s.pruneFinished({ ...base, keepNewest: 1, limit: 2 })).toBe(0);
      expect(await idsIn(s, 'completed')).toEqual([scene.completed[4]?.id]);
      expect(await s.pruneFinished({ ...base, state: 'failed', olderThan: T0 + 6_200, keepNewest: null, limit: 1_000 })).toBe(1);
      expect(await idsIn(s, 'failed')).toEqual(ids(scene.failed.slice(1)));
      expect((await idsIn(s, 'queued')).length).toBe(2);
    });

    it('the housekeeping lease has one holder at a time, renewed by it and taken over once expired', async () => {
      const s = storage();
      const take = (holder: string, now: number) => s.takeHousekeepingLease({ queue: QUEUE, holder, leaseMs: 30_000, now });
      const racers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((h) => take(h, T0)));
      expect(racers.filter((l) => l.held).length).toBe(1);
      const winner = ['a', 'b', 'c', 'd', 'e'][racers.findIndex((l) => l.held)] as string;
      const loser = winner === 'a' ? 'b' : 'a';
      expect((await take(winner, T0 + 20_000)).held).toBe(true);
      expect((await take(loser, T0 + 49_999)).held).toBe(false);
      expect((await take(loser, T0 + 50_000)).held).toBe(true);
      expect((await take(winner, T0 + 50_001)).held).toBe(false);
      // A holder hands the lease back by renewing it for 0 ms: the next taker gets it at once.
      const release = await s.takeHousekeepingLease({ queue: QUEUE, holder: loser, leaseMs: 0, now: T0 + 50_002 });
      expect(release.held).toBe(true);
      expect((await take(winner, T0 + 50_002)).held).toBe(true);
      expect((await s.takeHousekeepingLease({ queue: 'other', holder: winner, leaseMs: 30_000, now: T0 + 50_001 })).held).toBe(true);
    });

    it('of handles racing for the lease as other processes would, exactly one holds it', async (ctx) => {
      const s = storage();
      if (!s.capabilities.reopenable) return ctx.skip();
      const handles = [s, ...(await Promise.all([1, 2, 3].map(() => harness.open(s.describe()))))];
      try {
        for (let round = 0; round < 3; round++) {
          const now = T0 + round * 60_000;
          const taken = await Promise.all(handles.map((h, i) => h.takeHousekeepingLease({ queue: QUEUE, holder: `p${i}`, leaseMs: 30_000, now })));
          expect(taken.filter((l) => l.held).length).toBe(1);
        }
      } finally {
        await Promise.all(handles.slice(1).map((h) => h.close()));
      }
    });

    it('a worker without the lease prunes nothing', async () => {
      const s = storage();
      await seedScene(s);
      const { q } = await queueWith(s, { completed: { maxCount: 0 } }, T0 + 60_000);
      await s.takeHousekeepingLease({ queue: QUEUE, holder: 'other', leaseMs: 30_000, now: T0 + 60_000 });
      expect(await applyRetention(q, { holder: 'h1', pauseMs: 0 })).toEqual({ held: false, removed: { completed: 0, failed: 0, cancelled: 0 } });
      expect((await idsIn(s, 'completed')).length).toBe(5);
    });

    it('the policy is stored and shared: a queue opened without it prunes by it; null removes it', async () => {
      const s = storage();
      await queueWith(s, { completed: { maxCount: 3, maxAgeMs: 5_000 }, failed: {} }, T0);
      const plain = new Queue(s, QUEUE);
      await plain.ready();
      expect((await s.takeHousekeepingLease({ queue: QUEUE, holder: 'h', leaseMs: 1, now: T0 })).retention).toEqual({
        completed: { maxAgeMs: 5_000, maxCount: 3 },
      });
      await queueWith(s, null, T0);
      expect((await s.takeHousekeepingLease({ queue: QUEUE, holder: 'h', leaseMs: 1, now: T0 })).retention).toBeNull();
    });

    it('invalid retention options throw a typed error naming the path, and write nothing', async () => {
      const s = storage();
      const bad: Array<[unknown, Array<string | number>]> = [
        [{ completed: { maxAgeMs: -1 } }, ['options', 'retention', 'completed', 'maxAgeMs']],
        [{ failed: { maxCount: 1.5 } }, ['options', 'retention', 'failed', 'maxCount']],
        [{ queued: { maxCount: 1 } }, ['options', 'retention']],
        [{ cancelled: { maxAge: 1 } }, ['options', 'retention', 'cancelled']],
      ];
      for (const [retention, path] of bad) {
        let err: unknown;
        try {
          new Queue(s, QUEUE, { retention: retention as RetentionPolicy });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).code).toBe('VALIDATION');
        expect((err as ValidationError).path).toEqual(path);
      }
      expect(await s.getQueue(QUEUE)).toBeNull();
      expect((await s.takeHousekeepingLease({ queue: QUEUE, holder: 'h', leaseMs: 1, now: T0 })).retention).toBeNull();
    });

    it('after pruning every finished job an ETA keeps its basis and estimate; so does clean', async () => {
      for (const prune of ['retention', 'clean'] as const) {
        const s = await harness.create();
        try {
          await etaSurvives(s, prune);
        } finally {
          await s.close();
        }
      }
    });

    it('kept samples are capped at the sample limit, newest kept', async () => {
      const s = storage();
      const scene = await seedScene(s);
      const base = { queue: QUEUE, olderThan: null, keepNewest: null, limit: 1_000, sampleLimit: 3 };
      await s.pruneFinished({ ...base, state: 'failed' });
      await s.pruneFinished({ ...base, state: 'completed' });
      const stats = await s.getStats({ queue: QUEUE, now: T0 + 60_000, windowsMs: [60_000], sampleLimit: 50, workerStaleMs: 15_000 });
      const newest = [...scene.failed.slice(1)].reverse().map((j) => j.finishedAt);
      expect(stats.recent.map((r) => r.finishedAt)).toEqual(newest);
      expect(stats.recent.every((r) => r.state === 'failed')).toBe(true);
    });

    it('a running worker applies the stored retention on its own', async () => {
      const q = live.queue<{ n: number }>('kept', { retention: { completed: { maxCount: 2 } } });
      const w = live.worker(q, async () => 'ok', { concurrency: 2 });
      await q.addBulk(Array.from({ length: 6 }, (_, n) => ({ payload: { n } })));
      await w.start();
      await q.whenIdle({ timeoutMs: 10_000 });
      await w.close();
      const w2 = live.worker(q, async () => 'ok');
      await w2.start();
      let left = -1;
      for (let i = 0; i < 200 && left !== 2; i++) {
        left = (await q.listJobs({ states: ['completed'] })).items.length;
        if (left !== 2) await new Promise((r) => setTimeout(r, 25));
      }
      expect(left).toBe(2);
    });
  });
}

/** Three jobs finish, one waits with a live worker; the ETA read before and after pruning every finished job is the same. */
async function etaSurvives(s: Storage, prune: 'retention' | 'clean'): Promise<void> {
  let t = T0;
  for (let i = 0; i < 3; i++, t += 10_000) await finishJob(s, { now: t, claimAt: t + 100, finishAt: t + 2_100 + i * 500, outcome: 'completed' });
  await finishJob(s, { now: t, claimAt: t + 100, finishAt: t + 900, outcome: 'failed' });
  const now = t + 5_000;
  await s.registerWorker({ id: 'w-live', queue: QUEUE, host: 'h', pid: 1, concurrency: 1, now });
  const { q } = await queueWith(s, prune === 'retention' ? { completed: { maxCount: 0 }, failed: { maxCount: 0 } } : null, now);
  const waiting = await q.add({ n: 1 });
  const before = await q.getStatus(waiting.id);
  expect(before.eta?.basis).toBe('history');
  if (prune === 'retention') await applyRetention(q, { holder: 'h1', pauseMs: 0 });
  else {
    expect(await q.clean({ state: 'completed' })).toBe(3);
    expect(await q.clean({ state: 'failed' })).toBe(1);
  }
  expect(await listAll(s, QUEUE, ['completed', 'failed'])).toEqual([]);
  const after = await q.getStatus(waiting.id);
  expect(after.eta).toEqual(before.eta);
}
