/**
 * Contract area: schedules fired by workers in real time. Several workers of one queue, each on
 * its own storage connection (or in its own process), race for every tick and exactly one fires
 * it; the job carries its tick; missed ticks follow `catchUp`; `unschedule` stops the firing.
 * @internal
 */
import { type JobRecord, Queue, type ScheduledTick, scheduledTick, type Storage, Worker } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { runChildren } from '../children/fork.js';
import { listAll } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { FAST_WORKER, sleep, until, useLive } from '../live.js';

/** The ticks of a queue's jobs, oldest first. */
async function ticksOf(s: Storage, queue: string): Promise<ScheduledTick[]> {
  const jobs = await listAll(s, queue);
  return jobs.map((j: JobRecord) => scheduledTick(j)).filter((t): t is ScheduledTick => t !== null);
}

/**
 * No tick fired twice: the ticks are distinct and on the schedule's grid. (A tick found late on a
 * loaded machine fires once and the next is the first after now, so a grid point may be skipped.)
 */
function expectEachTickOnce(ticks: ScheduledTick[], every: number): void {
  const times = ticks.map((t) => t.tickAt).sort((a, b) => a - b);
  expect(new Set(times).size).toBe(times.length);
  for (let i = 1; i < times.length; i++) expect(((times[i] as number) - (times[i - 1] as number)) % every).toBe(0);
}

/** Registers the schedule-workers area. */
export function describeScheduleWorkers(harness: StorageHarness): void {
  describe(`${harness.name}: workers fire schedules`, () => {
    const live = useLive(harness);

    it('three workers, each on its own connection, fire each tick exactly once, and the job carries its tick', async () => {
      const base = live.storage();
      const reopenable = base.capabilities.reopenable;
      const storages = reopenable ? await Promise.all([0, 1, 2].map(() => harness.open(base.describe()))) : [base, base, base];
      const seen: Array<ScheduledTick | null> = [];
      const workers: Worker[] = [];
      try {
        const queues = storages.map((s) => new Queue(s, 'ticks'));
        await queues[0]?.schedule('heartbeat', { every: 1_000, payload: { kind: 'beat' } });
        for (const q of queues) {
          const w = new Worker(q, async (job) => void seen.push(scheduledTick(job)), FAST_WORKER);
          w.on('error', () => undefined);
          workers.push(w);
        }
        await until(async () => (await ticksOf(base, 'ticks')).length >= 4, 'four ticks', 15_000);
      } finally {
        await Promise.all(workers.map((w) => w.close({ graceMs: 1_000 })));
        if (reopenable) await Promise.all(storages.map((s) => s.close()));
      }
      const ticks = await ticksOf(base, 'ticks');
      expectEachTickOnce(ticks, 1_000);
      const [schedule] = await new Queue(base, 'ticks').listSchedules();
      expect(schedule?.lastRunAt).toBe(Math.max(...ticks.map((t) => t.tickAt)));
      expect(ticks.every((t) => t.schedule === 'heartbeat')).toBe(true);
      // Every job a worker ran told the handler its tick.
      expect(seen.length).toBeGreaterThan(0);
      for (const t of seen) expect(ticks).toContainEqual(t);
    }, 30_000);

    it('a schedule added through another connection after the worker started fires on time there, not at its next poll', async () => {
      const base = live.storage();
      const reopenable = base.capabilities.reopenable;
      const other = reopenable ? await harness.open(base.describe()) : base;
      const w = new Worker(new Queue(other, 'late-schedule'), async () => undefined, FAST_WORKER);
      w.on('error', () => undefined);
      try {
        await w.start();
        // The worker's schedule loop has read (nothing due) and sleeps its longest now.
        await sleep(300);
        const added = await new Queue(base, 'late-schedule').schedule('soon', { every: 1_000, payload: {} });
        await until(async () => (await ticksOf(base, 'late-schedule')).length > 0, 'the first tick', 10_000);
        const [job] = await listAll(base, 'late-schedule');
        expect(scheduledTick(job as JobRecord)).toEqual({ schedule: 'soon', tickAt: added.nextRunAt });
        // Fired (its job written) within 1.5 s of the tick: the poll alone would be up to 5 s late.
        expect((job as JobRecord).createdAt - (added.nextRunAt as number)).toBeLessThanOrEqual(1_500);
      } finally {
        await w.close({ graceMs: 1_000 });
        if (reopenable) await other.close();
      }
    }, 20_000);

    it('stops firing once unscheduled', async () => {
      const q = live.queue('unscheduled');
      await q.schedule('s', { every: 1_000, payload: {} });
      live.worker(q, async () => undefined);
      await until(async () => (await ticksOf(live.storage(), q.name)).length >= 1, 'a first tick', 10_000);
      expect(await q.unschedule('s')).toBe(true);
      const fired = (await ticksOf(live.storage(), q.name)).length;
      await sleep(2_500);
      expect(await ticksOf(live.storage(), q.name)).toHaveLength(fired);
      expect(await q.listSchedules()).toEqual([]);
      expect((await q.getStats()).schedules).toBe(0);
    }, 20_000);

    for (const catchUp of ['one', 'none'] as const) {
      it(`after everything was down, catchUp '${catchUp}' ${catchUp === 'one' ? 'fires one job for the missed ticks' : 'skips them'}`, async () => {
        const declared = live.queue('missed');
        const first = await declared.schedule('s', { every: 1_000, payload: {}, catchUp });
        const downFor = 10 * 60_000;
        // A worker started ten minutes later: its clock is ahead of the declaring queue's by that much.
        const later = new Queue(live.storage(), 'missed', { clock: { now: () => Date.now() + downFor } });
        live.worker(later, async () => undefined);
        const resumed = (first.nextRunAt as number) + downFor - 60_000;
        await until(async () => ((await later.listSchedules())[0]?.lastRunAt ?? 0) > resumed, 'a tick after the outage', 10_000);
        const ticks = (await ticksOf(live.storage(), 'missed')).map((t) => t.tickAt).sort((a, b) => a - b);
        const missed = ticks.filter((t) => t < resumed);
        expect(missed).toEqual(catchUp === 'one' ? [first.nextRunAt] : []);
        expect(ticks.filter((t) => t >= resumed).length).toBeGreaterThanOrEqual(1);
      }, 20_000);
    }

    describe('across processes', () => {
      requireCapability(harness, 'reopenable');
      it('three worker processes fire each tick exactly once', async () => {
        const admin = await harness.open(await harness.freshDescriptor(), { migrate: true });
        try {
          await new Queue(admin, 'cron').schedule('every-second', { cron: '* * * * * *', payload: {} });
          const inputs = [0, 1, 2].map(() => ({ descriptor: admin.describe(), queue: 'cron', runMs: 5_000 }));
          const reports = await runChildren<{ ran: ScheduledTick[]; errors: string[] }>('schedule-worker.mjs', inputs, 30_000);
          const ticks = await ticksOf(admin, 'cron');
          expect(ticks.length).toBeGreaterThanOrEqual(3);
          expectEachTickOnce(ticks, 1_000);
          const ran = reports.flatMap((r) => r.ran).map((t) => t.tickAt);
          expect(new Set(ran).size).toBe(ran.length);
          for (const t of ran) expect(ticks.map((x) => x.tickAt)).toContain(t);
        } finally {
          await admin.close();
        }
      }, 40_000);
    });
  });
}
