/**
 * A queue object that serves statuses and runs no worker calibrates its ETA ranges on the
 * completions the storage's notifier brings it. The sequence is deterministic: every job is
 * overtaken by a higher-priority one added just after its status was read, so it always finishes
 * at twice its predicted time, which the model's own band never expects.
 */
import { describe, expect, it } from 'vitest';
import { type Eta, ManualClock, MemoryStorage, Queue, type Storage } from '../src/index.js';

const T0 = 1_700_000_000_000;
const RUN_MS = 1_000;
const ROUNDS = 60;

async function runOne(storage: Storage, clock: ManualClock, publish: boolean): Promise<void> {
  const [claimed] = await storage.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1e9, now: clock.now() });
  clock.advance(RUN_MS);
  await storage.settle({ queue: 'q', now: clock.now(), completed: [{ id: claimed!.id, leaseToken: claimed!.leaseToken!, result: null }] });
  if (publish) storage.notifier?.publish({ queue: 'q', kind: 'event', event: 'job:completed', jobId: claimed!.id, data: { queue: 'q', jobId: claimed!.id } });
}

/** Runs the rounds; returns each round's ETA of the overtaken job and when it really finished, ms after its status. */
async function replay(publish: boolean): Promise<Array<{ eta: Eta; finishIn: number }>> {
  const clock = new ManualClock(T0);
  const storage = await MemoryStorage.open({ clock });
  const status = new Queue(storage, 'q', { concurrency: 1 });
  const out: Array<{ eta: Eta; finishIn: number }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    await storage.registerWorker({ id: 'w', queue: 'q', host: 'h', pid: 1, concurrency: 1, now: clock.now() });
    const job = await status.add({ i });
    const { eta } = await status.getStatus(job.id);
    const asked = clock.now();
    await status.add({ i, urgent: true }, { priority: 3 });
    await runOne(storage, clock, publish); // the urgent job
    await runOne(storage, clock, publish); // then this one
    if (eta) out.push({ eta, finishIn: clock.now() - asked });
  }
  await storage.close();
  return out;
}

const inside = (r: { eta: Eta; finishIn: number }) => r.eta.low !== null && r.eta.high !== null && r.finishIn >= r.eta.low && r.finishIn <= r.eta.high;

describe('ETA range calibration on a Queue', () => {
  it('learns from completion notices that ETAs run twice too short, and widens the range to hold them', async () => {
    const rounds = await replay(true);
    const late = rounds.slice(-20);
    expect(late.every((r) => r.eta.finishesInMs === RUN_MS && r.finishIn === 2 * RUN_MS)).toBe(true);
    expect(late.filter(inside)).toHaveLength(late.length);
    expect(late[0]!.eta).toMatchObject({ low: RUN_MS, high: 2 * RUN_MS });
  });

  it('keeps the model band while it hears of no completion', async () => {
    const rounds = await replay(false);
    expect(rounds.slice(-20).filter(inside)).toHaveLength(0);
  });
});
