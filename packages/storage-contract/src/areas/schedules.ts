/**
 * Contract area: schedules through the seam. A storage stores schedules (per queue, by key),
 * keeps a re-declared schedule's next tick when its timing is unchanged, lists them by key and
 * the due ones by next tick, and fires a tick as one compare-and-set on `nextRunAt` together with
 * the tick's enqueue: a stale `expectedNextRunAt` (or `expectedUpdatedAt`: the definition was
 * declared again since) writes nothing, a refused enqueue writes nothing, and of many racing
 * fires of one tick exactly one wins.
 * @internal
 */
import { type FireScheduleParams, QueueDrainingError, QueueFullError, type ScheduleRecord, type Storage, type UpsertScheduleParams } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { addQueue, expectError, listAll, newJob, QUEUE, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** A schedule every 10 s of queue {@link QUEUE}, first tick at `T0 + 10_000`. */
function upsert(s: Storage, overrides: Partial<UpsertScheduleParams> = {}): Promise<ScheduleRecord> {
  return s.upsertSchedule({
    queue: QUEUE,
    key: 'every-10s',
    cron: null,
    tz: null,
    every: 10_000,
    catchUp: 'one',
    payload: { report: 'daily', nested: { list: [1, 'two', null] } },
    options: { name: 'report', priority: 5 },
    nextRunAt: T0 + 10_000,
    lastRunAt: null,
    now: T0,
    ...overrides,
  });
}

/** Fires the tick at `expected` of schedule `key`, next tick 10 s later, with a job keyed as core keys it. */
function fire(s: Storage, expected: number, overrides: Partial<FireScheduleParams> = {}) {
  const key = overrides.key ?? 'every-10s';
  return s.fireSchedule({
    queue: QUEUE,
    key,
    expectedNextRunAt: expected,
    nextRunAt: expected + 10_000,
    job: newJob({ runAt: expected + 5, idempotencyKey: `schedule:${key}:${expected}` }),
    now: expected + 5,
    ...overrides,
  });
}

/** Registers the schedules area. */
export function describeSchedules(harness: StorageHarness): void {
  describe('schedules', () => {
    const storage = useStorage(harness);

    it('stores a schedule and lists it by key, per queue, with every field as given', async () => {
      const s = storage();
      const stored = await upsert(s);
      const cron = await upsert(s, { key: 'a-cron', cron: '*/5 * * * * *', tz: 'Europe/Paris', every: null, catchUp: 'none', options: {} });
      await upsert(s, { queue: 'other', key: 'elsewhere' });
      expect(stored).toEqual({
        queue: QUEUE,
        key: 'every-10s',
        cron: null,
        tz: null,
        every: 10_000,
        catchUp: 'one',
        payload: { report: 'daily', nested: { list: [1, 'two', null] } },
        options: { name: 'report', priority: 5 },
        nextRunAt: T0 + 10_000,
        lastRunAt: null,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(cron).toMatchObject({ cron: '*/5 * * * * *', tz: 'Europe/Paris', every: null, catchUp: 'none', options: {} });
      expect(await s.listSchedules({ queue: QUEUE })).toEqual([cron, stored]);
      expect((await s.listSchedules({ queue: 'other' })).map((x) => x.key)).toEqual(['elsewhere']);
      expect(await s.listSchedules({ queue: 'none' })).toEqual([]);
      expect(await s.getQueue(QUEUE)).not.toBeNull();
      // Code-unit order, as JavaScript sorts: U+1F600 (a surrogate pair, 0xD83D...) before U+FF5A.
      await upsert(s, { queue: 'other', key: 'ｚ-fullwidth' });
      await upsert(s, { queue: 'other', key: '😀-emoji' });
      expect((await s.listSchedules({ queue: 'other' })).map((x) => x.key)).toEqual(['elsewhere', '😀-emoji', 'ｚ-fullwidth']);
    });

    it('writes the given last tick on a new schedule only (an import carries it); a stored one keeps its own', async () => {
      const s = storage();
      const created = await upsert(s, { lastRunAt: T0 - 10_000 });
      expect(created.lastRunAt).toBe(T0 - 10_000);
      expect((await upsert(s, { lastRunAt: T0 - 99_000, now: T0 + 1 })).lastRunAt).toBe(T0 - 10_000);
      expect((await upsert(s, { every: 20_000, lastRunAt: null, now: T0 + 2 })).lastRunAt).toBe(T0 - 10_000);
      expect((await s.listSchedules({ queue: QUEUE }))[0]?.lastRunAt).toBe(T0 - 10_000);
    });

    it('keeps next tick, last tick and creation time when re-declared with the same timing', async () => {
      const s = storage();
      await upsert(s);
      await fire(s, T0 + 10_000);
      const again = await upsert(s, { nextRunAt: T0 + 99_000, payload: { v: 2 }, catchUp: 'none', now: T0 + 12_000 });
      expect(again).toMatchObject({
        nextRunAt: T0 + 20_000,
        lastRunAt: T0 + 10_000,
        createdAt: T0,
        updatedAt: T0 + 12_000,
        payload: { v: 2 },
        catchUp: 'none',
      });
      const retimed = await upsert(s, { every: 60_000, nextRunAt: T0 + 72_000, now: T0 + 12_000 });
      expect(retimed).toMatchObject({ every: 60_000, nextRunAt: T0 + 72_000, lastRunAt: T0 + 10_000, createdAt: T0 });
      const toCron = await upsert(s, { every: null, cron: '0 * * * * *', tz: 'UTC', nextRunAt: T0 + 20_000, now: T0 + 13_000 });
      expect(toCron).toMatchObject({ every: null, cron: '0 * * * * *', tz: 'UTC', nextRunAt: T0 + 20_000 });
      const otherTz = await upsert(s, { every: null, cron: '0 * * * * *', tz: 'Asia/Tokyo', nextRunAt: T0 + 30_000, now: T0 + 14_000 });
      expect(otherTz.nextRunAt).toBe(T0 + 30_000);
      expect(await s.listSchedules({ queue: QUEUE })).toHaveLength(1);
    });

    it('removes a schedule, answering whether it existed, and leaves its jobs', async () => {
      const s = storage();
      await upsert(s);
      await fire(s, T0 + 10_000);
      expect(await s.removeSchedule({ queue: 'other', key: 'every-10s' })).toBe(false);
      expect(await s.removeSchedule({ queue: QUEUE, key: 'every-10s' })).toBe(true);
      expect(await s.removeSchedule({ queue: QUEUE, key: 'every-10s' })).toBe(false);
      expect(await s.listSchedules({ queue: QUEUE })).toEqual([]);
      expect(await fire(s, T0 + 20_000)).toEqual({ fired: false });
      expect(await listAll(s)).toHaveLength(1);
    });

    it('lists the due schedules by next tick, then key, up to the limit', async () => {
      const s = storage();
      await upsert(s, { key: 'c', nextRunAt: T0 + 3_000 });
      await upsert(s, { key: 'b', nextRunAt: T0 + 1_000 });
      await upsert(s, { key: 'a', nextRunAt: T0 + 3_000 });
      await upsert(s, { key: 'late', nextRunAt: T0 + 9_000 });
      await upsert(s, { queue: 'other', key: 'x', nextRunAt: T0 });
      const due = (until: number, limit = 10) => s.dueSchedules({ queue: QUEUE, until, limit }).then((l) => l.map((x) => x.key));
      expect(await due(T0 + 3_000)).toEqual(['b', 'a', 'c']);
      expect(await due(T0 + 3_000, 2)).toEqual(['b', 'a']);
      expect(await due(T0 + 999)).toEqual([]);
      expect(await due(T0 + 9_000)).toEqual(['b', 'a', 'c', 'late']);
    });

    it('fires a tick once: the compare-and-set advances the next tick and enqueues the job together', async () => {
      const s = storage();
      await upsert(s);
      const first = await fire(s, T0 + 10_000);
      expect(first).toMatchObject({ fired: true, inserted: true, job: { state: 'queued', idempotencyKey: `schedule:every-10s:${T0 + 10_000}` } });
      expect(await fire(s, T0 + 10_000)).toEqual({ fired: false });
      expect(await fire(s, T0 + 30_000)).toEqual({ fired: false });
      expect(await s.listSchedules({ queue: QUEUE })).toMatchObject([{ nextRunAt: T0 + 20_000, lastRunAt: T0 + 10_000 }]);
      const jobs = await listAll(s);
      expect(jobs.map((j) => j.id)).toEqual([first.fired ? first.job?.id : 'none']);
    });

    it('misses a fire that read the definition a re-declaration has replaced, even in the same ms', async () => {
      const s = storage();
      const read = await upsert(s);
      const again = await upsert(s, { payload: { v: 2 }, now: T0 });
      expect(again.updatedAt).toBeGreaterThan(read.updatedAt);
      expect(await fire(s, T0 + 10_000, { expectedUpdatedAt: read.updatedAt })).toEqual({ fired: false });
      expect(await s.listSchedules({ queue: QUEUE })).toMatchObject([{ nextRunAt: T0 + 10_000, lastRunAt: null }]);
      expect(await listAll(s)).toEqual([]);
      expect(await fire(s, T0 + 10_000, { expectedUpdatedAt: again.updatedAt })).toMatchObject({ fired: true, inserted: true });
    });

    it('skips a tick without a job, leaving the last tick as it was', async () => {
      const s = storage();
      await upsert(s);
      expect(await fire(s, T0 + 10_000, { job: null, nextRunAt: T0 + 90_000 })).toEqual({ fired: true, job: null, inserted: false });
      expect(await s.listSchedules({ queue: QUEUE })).toMatchObject([{ nextRunAt: T0 + 90_000, lastRunAt: null }]);
      expect(await listAll(s)).toEqual([]);
    });

    it('returns the stored job when the tick job is already there, and advances the tick', async () => {
      const s = storage();
      await upsert(s);
      const [held] = await s.enqueue({ queue: QUEUE, jobs: [newJob({ idempotencyKey: `schedule:every-10s:${T0 + 10_000}` })], now: T0 }).then((r) => r.jobs);
      expect(await fire(s, T0 + 10_000)).toMatchObject({ fired: true, inserted: false, job: { id: held?.id } });
      expect(await s.listSchedules({ queue: QUEUE })).toMatchObject([{ nextRunAt: T0 + 20_000 }]);
      expect(await listAll(s)).toHaveLength(1);
    });

    it('writes nothing, the tick included, when the queue refuses the job', async () => {
      const s = storage();
      await upsert(s);
      await addQueue(s, { draining: true });
      await expectError(fire(s, T0 + 10_000), QueueDrainingError, 'QUEUE_DRAINING');
      await addQueue(s, { draining: false, maxSize: 0 });
      await expectError(fire(s, T0 + 10_000), QueueFullError, 'QUEUE_FULL');
      expect(await s.listSchedules({ queue: QUEUE })).toMatchObject([{ nextRunAt: T0 + 10_000, lastRunAt: null }]);
      expect(await listAll(s)).toEqual([]);
    });

    it('lets exactly one of many racing fires of a tick win, each on its own connection', async () => {
      const s = storage();
      await upsert(s);
      const reopenable = s.capabilities.reopenable;
      const handles = reopenable ? await Promise.all(Array.from({ length: 4 }, () => harness.open(s.describe()))) : [s, s, s, s];
      try {
        for (let tick = 1; tick <= 5; tick++) {
          const expected = T0 + tick * 10_000;
          const results = await Promise.all(handles.flatMap((h) => [fire(h, expected), fire(h, expected)]));
          expect(results.filter((r) => r.fired)).toHaveLength(1);
        }
      } finally {
        if (reopenable) await Promise.all(handles.map((h) => h.close()));
      }
      const jobs = await listAll(s);
      expect(jobs.map((j) => j.idempotencyKey)).toEqual([1, 2, 3, 4, 5].map((t) => `schedule:every-10s:${T0 + t * 10_000}`));
      expect(await s.listSchedules({ queue: QUEUE })).toMatchObject([{ nextRunAt: T0 + 60_000, lastRunAt: T0 + 50_000 }]);
    });
  });
}
