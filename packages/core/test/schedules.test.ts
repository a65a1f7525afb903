/**
 * Schedules in core: validation, the tick math (cron with seconds and time zones, `every`),
 * catch-up of missed ticks and the tick a job carries, on `MemoryStorage` with a `ManualClock`
 * so every time is exact. The storage rules (compare-and-set, exactly-once firing across
 * processes) are in the contract suite.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ManualClock, MemoryStorage, Queue, scheduledTick, ValidationError, Worker } from '../src/index.js';
import { fireDueSchedules } from '../src/schedules/fire.js';
import { nextTickAfter, SCHEDULE_MISSED_AFTER_MS } from '../src/schedules/spec.js';
import { onScheduleChange } from '../src/schedules/wakeups.js';

// 2024-03-30T23:59:58Z: the night before Europe/Paris moves its clocks forward (02:00 -> 03:00 local).
const T0 = Date.UTC(2024, 2, 30, 23, 59, 58);

async function setup() {
  const clock = new ManualClock(T0);
  const storage = new MemoryStorage({ clock });
  const queue = new Queue(storage, 'reports');
  const errors: unknown[] = [];
  const fire = () => fireDueSchedules(queue, 5_000, (e) => errors.push(e));
  return { clock, storage, queue, fire, errors };
}

async function tickJobs(queue: Queue) {
  const page = await queue.listJobs({ order: 'asc', limit: 100 });
  return page.items.map((j) => ({ tick: scheduledTick(j), payload: j.payload, name: j.name, priority: j.priority }));
}

describe('schedule tick math', () => {
  it('reads six fields as seconds first and honours the time zone across a DST change', () => {
    const every5s = { cron: '*/5 * * * * *', tz: 'UTC', every: null };
    expect(nextTickAfter(every5s, T0, T0)).toBe(T0 + 2_000);
    // 02:30 local does not exist on 2024-03-31 in Paris: croner fires once, as the gap ends (03:00 local = 01:00Z).
    const paris = { cron: '0 30 2 * * *', tz: 'Europe/Paris', every: null };
    expect(new Date(nextTickAfter(paris, T0, T0)).toISOString()).toBe('2024-03-31T01:00:00.000Z');
    const ny = { cron: '0 9 * * 1', tz: 'America/New_York', every: null };
    expect(new Date(nextTickAfter(ny, T0, T0)).toISOString()).toBe('2024-04-01T13:00:00.000Z');
  });

  it('keeps an every schedule on its grid, however late the tick is found', () => {
    const timing = { cron: null, tz: null, every: 10_000 };
    expect(nextTickAfter(timing, T0, T0)).toBe(T0 + 10_000);
    expect(nextTickAfter(timing, T0 + 10_000, T0)).toBe(T0 + 20_000);
    expect(nextTickAfter(timing, T0 + 95_001, T0)).toBe(T0 + 100_000);
  });
});

describe('queue.schedule validation', () => {
  const bad: Array<[string, unknown, unknown, Array<string | number>]> = [
    ['an empty key', '', { every: 1_000, payload: {} }, ['key']],
    ['a bad cron', 'k', { cron: 'not a cron', payload: {} }, ['schedule', 'cron']],
    ['a cron that never fires', 'k', { cron: '0 0 31 2 *', payload: {} }, ['schedule', 'cron']],
    ['a cron whose ticks are all past', 'k', { cron: '0 0 0 1 1 * 2020', payload: {} }, ['schedule', 'cron']],
    ['a cron of 7 fields', 'k', { cron: '0 0 0 1 1 * 2099', payload: {} }, ['schedule', 'cron']],
    ['an unknown time zone', 'k', { cron: '* * * * *', tz: 'Mars/Olympus', payload: {} }, ['schedule', 'tz']],
    ['tz with every', 'k', { every: 1_000, tz: 'UTC', payload: {} }, ['schedule', 'tz']],
    ['both cron and every', 'k', { cron: '* * * * *', every: 1_000, payload: {} }, ['schedule', 'cron']],
    ['neither cron nor every', 'k', { payload: {} }, ['schedule', 'cron']],
    ['a too short every', 'k', { every: 999, payload: {} }, ['schedule', 'every']],
    ['a fractional every', 'k', { every: 1_000.5, payload: {} }, ['schedule', 'every']],
    ['a bad catchUp', 'k', { every: 1_000, payload: {}, catchUp: 'all' }, ['schedule', 'catchUp']],
    ['a payload that is not an object', 'k', { every: 1_000, payload: 3 }, ['schedule', 'payload']],
    ['a per-add option', 'k', { every: 1_000, payload: {}, options: { delayMs: 5 } }, ['schedule', 'options', 'delayMs']],
    ['a bad job option', 'k', { every: 1_000, payload: {}, options: { priority: 0 } }, ['schedule', 'options', 'priority']],
    ['an unknown field', 'k', { every: 1_000, payload: {}, when: 1 }, ['schedule']],
  ];
  for (const [what, key, definition, path] of bad) {
    it(`refuses ${what} with its path and writes nothing`, async () => {
      const { queue } = await setup();
      const err = await queue.schedule(key as string, definition as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toEqual(path);
      expect(await queue.listSchedules()).toEqual([]);
    });
  }
});

describe('firing schedules with a manual clock', () => {
  it('fires each tick once, with the tick in the job, and lists next and last runs', async () => {
    const { clock, queue, fire } = await setup();
    const info = await queue.schedule('digest', { cron: '*/5 * * * * *', payload: { kind: 'digest' }, options: { name: 'digest', priority: 5 } });
    expect(info).toMatchObject({ key: 'digest', cron: '*/5 * * * * *', tz: 'UTC', every: null, catchUp: 'one', nextRunAt: T0 + 2_000, lastRunAt: null });
    expect((await fire()).fired).toBe(0);
    clock.set(T0 + 2_000);
    expect((await fire()).fired).toBe(1);
    expect((await fire()).fired).toBe(0);
    clock.set(T0 + 7_500);
    expect((await fire()).fired).toBe(1);
    expect(await tickJobs(queue)).toEqual([
      { tick: { schedule: 'digest', tickAt: T0 + 2_000 }, payload: { kind: 'digest' }, name: 'digest', priority: 5 },
      { tick: { schedule: 'digest', tickAt: T0 + 7_000 }, payload: { kind: 'digest' }, name: 'digest', priority: 5 },
    ]);
    const [listed] = await queue.listSchedules();
    expect(listed).toMatchObject({ nextRunAt: T0 + 12_000, lastRunAt: T0 + 7_000 });
    expect((await queue.getStats()).schedules).toBe(1);
  });

  it("catchUp 'one' fires one job for the missed ticks, then goes on from the next future tick", async () => {
    const { clock, queue, fire } = await setup();
    await queue.schedule('every10', { every: 10_000, payload: {} });
    clock.set(T0 + 10 * 60_000 + 1);
    expect((await fire()).fired).toBe(1);
    expect((await fire()).fired).toBe(0);
    expect((await tickJobs(queue)).map((j) => j.tick?.tickAt)).toEqual([T0 + 10_000]);
    expect((await queue.listSchedules())[0]?.nextRunAt).toBe(T0 + 10 * 60_000 + 10_000);
  });

  it("catchUp 'none' skips missed ticks but fires a tick found on time", async () => {
    const { clock, queue, fire } = await setup();
    await queue.schedule('every10', { every: 10_000, payload: {}, catchUp: 'none' });
    clock.set(T0 + 10_000 + SCHEDULE_MISSED_AFTER_MS);
    expect((await fire()).fired).toBe(1);
    clock.set(T0 + 10 * 60_000);
    expect((await fire()).fired).toBe(0);
    expect((await tickJobs(queue)).map((j) => j.tick?.tickAt)).toEqual([T0 + 10_000]);
    expect((await queue.listSchedules())[0]).toMatchObject({ nextRunAt: T0 + 10 * 60_000 + 10_000, lastRunAt: T0 + 10_000 });
  });

  it('keeps the next tick when a schedule is declared again with the same timing, and moves it when the timing changes', async () => {
    const { clock, queue, fire } = await setup();
    await queue.schedule('s', { every: 10_000, payload: { v: 1 } });
    clock.set(T0 + 25_000);
    await queue.schedule('s', { every: 10_000, payload: { v: 2 } });
    expect((await queue.listSchedules())[0]).toMatchObject({ nextRunAt: T0 + 10_000, payload: { v: 2 } });
    expect((await fire()).fired).toBe(1);
    expect((await tickJobs(queue)).map((j) => j.payload)).toEqual([{ v: 2 }]);
    await queue.schedule('s', { every: 60_000, payload: { v: 2 } });
    expect((await queue.listSchedules())[0]).toMatchObject({ every: 60_000, nextRunAt: T0 + 85_000, lastRunAt: T0 + 10_000 });
  });

  it('does not ask to read again at once when every fire of a full batch failed (a draining queue)', async () => {
    const { clock, queue, fire, errors } = await setup();
    for (let i = 0; i < 150; i += 1) await queue.schedule(`s${String(i).padStart(3, '0')}`, { every: 1_000, payload: {} });
    clock.set(T0 + 1_000);
    expect(await fire()).toMatchObject({ fired: 100, more: true });
    await queue.drain({ wait: false });
    clock.set(T0 + 2_000);
    // All 150 are due; the 100 read are refused, so the loop waits for its next poll to read again.
    expect(await fire()).toEqual({ fired: 0, more: false, nextDueAt: null });
    expect(errors).toHaveLength(100);
  });

  it('resume() wakes the schedule loops, so a tick a drain refused fires at once, not at the next poll', async () => {
    const { storage, queue } = await setup();
    let woken = 0;
    const off = onScheduleChange(storage, 'reports', () => {
      woken += 1;
    });
    await queue.drain({ wait: false });
    await queue.resume();
    off();
    expect(woken).toBe(1);
  });

  it('runs the payload schema once per tick job, as an add does: its transforms apply once', async () => {
    const clock = new ManualClock(T0);
    const schema = z.object({ at: z.string().transform((s) => Date.parse(s)), n: z.number().transform((n) => n * 10) });
    const queue = new Queue(new MemoryStorage({ clock }), 'transforms', { payload: schema });
    const given = { at: '2025-01-01T06:00:00Z', n: 1 };
    // add() and schedule() take the schema's input type; jobs hold its output.
    const added = await queue.add(given);
    expectTypeOf(added.payload).toEqualTypeOf<{ at: number; n: number }>();
    // A worker of such a queue gets the output type (a type check only: no worker is made).
    const workerOf = () => new Worker(queue, async (job) => job.payload.at + job.payload.n);
    expectTypeOf<ReturnType<typeof workerOf>['queue']>().toEqualTypeOf<typeof queue>();
    expect((await queue.getJob(added.id))?.payload).toEqual({ at: Date.parse(given.at), n: 10 });
    // A schema whose input and output differ was refused at schedule(); its output was stored and run again.
    expect((await queue.schedule('k', { every: 1_000, payload: given })).payload).toEqual(given);
    clock.set(T0 + 1_000);
    expect((await fireDueSchedules(queue, 5_000, (e) => expect.fail(String(e)))).fired).toBe(1);
    expect((await tickJobs(queue)).filter((j) => j.tick !== null).map((j) => j.payload)).toEqual([{ at: Date.parse(given.at), n: 10 }]);
  });

  it('stops firing once unscheduled', async () => {
    const { clock, queue, fire } = await setup();
    await queue.schedule('s', { every: 1_000, payload: {} });
    expect(await queue.unschedule('s')).toBe(true);
    expect(await queue.unschedule('s')).toBe(false);
    clock.set(T0 + 60_000);
    expect((await fire()).fired).toBe(0);
    expect(await tickJobs(queue)).toEqual([]);
  });
});

describe('scheduledTick', () => {
  it('reads the schedule and tick from a tick job and null from any other job', () => {
    expect(scheduledTick({ idempotencyKey: 'schedule:a:b:1700000000000' })).toEqual({ schedule: 'a:b', tickAt: 1_700_000_000_000 });
    expect(scheduledTick({ idempotencyKey: null })).toBeNull();
    expect(scheduledTick({ idempotencyKey: 'order-42' })).toBeNull();
    expect(scheduledTick({ idempotencyKey: 'schedule:x:soon' })).toBeNull();
  });
});
