/**
 * A clock that ran ahead and was set back: the next tick it wrote lies far ahead of every clock in
 * step, and without a repair no tick fires until real time catches up. `MemoryStorage` with a
 * clock set by hand (and set back), so every time is exact.
 */
import { describe, expect, it } from 'vitest';
import { type Clock, MemoryStorage, Queue, Worker } from '../src/index.js';
import { fireDueSchedules } from '../src/schedules/fire.js';
import { repairAheadTicks, SCHEDULE_AHEAD_SLACK_MS } from '../src/schedules/repair.js';

/** A clock set by hand that may also be set back, as a host's clock is when NTP steps it. */
class SteppedClock implements Clock {
  constructor(private at: number) {}
  now(): number {
    return this.at;
  }
  set(at: number): void {
    this.at = at;
  }
}

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;

/** A queue with an `every: 2 s` schedule whose tick was fired by a clock an hour ahead, the clock then set back. */
async function firedAhead() {
  const clock = new SteppedClock(T0);
  const queue = new Queue(new MemoryStorage({ clock }), 'reports');
  const errors: unknown[] = [];
  const fire = () => fireDueSchedules(queue, 5_000, (e) => errors.push(e));
  await queue.schedule('beat', { every: 2_000, payload: {} });
  await queue.schedule('hourly', { cron: '0 * * * *', payload: {} });
  clock.set(T0 + HOUR + 2_000);
  expect((await fire()).fired).toBe(2);
  clock.set(T0 + 3_000);
  return { clock, queue, fire, errors };
}

const nextOf = async (queue: Queue, key: string) => (await queue.listSchedules()).find((s) => s.key === key)?.nextRunAt;

describe('next ticks a clock ahead of time wrote', () => {
  it('are moved back to the first tick after now; ticks then fire on time, and nothing else moves', async () => {
    const { clock, queue, fire, errors } = await firedAhead();
    expect(await nextOf(queue, 'beat')).toBe(T0 + HOUR + 4_000);
    clock.set(T0 + 6_000);
    expect((await fire()).fired).toBe(0); // stuck until real time catches up
    expect(await repairAheadTicks(queue, (e) => errors.push(e))).toBe(2);
    expect(await nextOf(queue, 'beat')).toBe(T0 + 8_000);
    expect(await nextOf(queue, 'hourly')).toBe(T0 + HOUR);
    // Nothing was fired by the repair, and a second one finds nothing to move.
    expect((await queue.listJobs({ limit: 10 })).items).toHaveLength(2);
    expect(await repairAheadTicks(queue, (e) => errors.push(e))).toBe(0);
    clock.set(T0 + 8_000);
    expect((await fire()).fired).toBe(1);
    expect(errors).toEqual([]);
  });

  it('leaves a next tick within the slack of the first tick after now (clocks a little apart)', async () => {
    const clock = new SteppedClock(T0);
    const queue = new Queue(new MemoryStorage({ clock }), 'reports');
    await queue.schedule('beat', { every: 2_000, payload: {} });
    clock.set(T0 + SCHEDULE_AHEAD_SLACK_MS);
    expect((await fireDueSchedules(queue, 5_000, () => undefined)).fired).toBe(1);
    clock.set(T0 + 2_000);
    expect(await repairAheadTicks(queue, () => undefined)).toBe(0);
    expect(await nextOf(queue, 'beat')).toBe(T0 + SCHEDULE_AHEAD_SLACK_MS + 2_000);
  });

  it('a worker that starts moves them back at once', async () => {
    const { queue } = await firedAhead();
    const worker = new Worker(queue, async () => undefined, { heartbeat: 'main' });
    try {
      const deadline = Date.now() + 5_000;
      while ((await nextOf(queue, 'beat')) !== T0 + 5_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await nextOf(queue, 'beat')).toBe(T0 + 5_000);
    } finally {
      await worker.close({ graceMs: 0 });
    }
  });
});
