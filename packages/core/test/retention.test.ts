/**
 * The retention pass in core, on MemoryStorage with a hand-moved clock: how it splits the work
 * into batches, that it stops when aborted, and that it renews the housekeeping lease it holds.
 * The rules every storage follows are in the contract's retention area.
 */
import { describe, expect, it } from 'vitest';
import { applyRetention, ManualClock, MemoryStorage, Queue, type Storage, ValidationError } from '../src/index.js';

const T0 = 1_700_000_000_000;

/** A queue with `n` completed jobs, finished 1 s apart. */
async function completedQueue(n: number, retention = { completed: { maxCount: 0 } }): Promise<{ q: Queue; s: Storage; clock: ManualClock }> {
  const clock = new ManualClock(T0);
  const s = await MemoryStorage.open({ clock });
  const q = new Queue(s, 'kept', { retention });
  await q.ready();
  for (let i = 0; i < n; i++) {
    await q.add({ i });
    const [job] = await s.claim({ queue: 'kept', workerId: 'w', limit: 1, leaseMs: 30_000, now: clock.now() });
    clock.advance(1_000);
    await s.settle({ queue: 'kept', now: clock.now(), completed: [{ id: job?.id as string, leaseToken: job?.leaseToken as string, result: null }] });
  }
  return { q, s, clock };
}

describe('applyRetention', () => {
  it('removes a backlog in batches of the given size, renewing the lease between them', async () => {
    const { q, s, clock } = await completedQueue(7);
    const pass = await applyRetention(q, { holder: 'h', pauseMs: 0, batch: 2, leaseMs: 5_000 });
    expect(pass).toEqual({ held: true, removed: { completed: 7, failed: 0, cancelled: 0 } });
    expect((await q.listJobs({ states: ['completed'] })).items).toEqual([]);
    // The lease is the pass's holder's until it expires, renewed at the last batch.
    expect((await s.takeHousekeepingLease({ queue: 'kept', holder: 'other', leaseMs: 1, now: clock.now() + 4_999 })).held).toBe(false);
    expect((await s.takeHousekeepingLease({ queue: 'kept', holder: 'other', leaseMs: 1, now: clock.now() + 5_000 })).held).toBe(true);
  });

  it("takes the storage's preferred batch when the pass names none", async () => {
    const { s } = await completedQueue(7);
    const limits: number[] = [];
    const pruneFinished = (p: Parameters<Storage['pruneFinished']>[0]) => {
      limits.push(p.limit);
      return s.pruneFinished(p);
    };
    const small: Storage = Object.create(s, { capabilities: { value: { ...s.capabilities, pruneBatch: 3 } }, pruneFinished: { value: pruneFinished } });
    const pass = await applyRetention(new Queue(small, 'kept'), { holder: 'h', pauseMs: 0 });
    expect(pass.removed.completed).toBe(7);
    expect(limits).toEqual([3, 3, 3]);
    expect((await applyRetention(new Queue(small, 'kept'), { holder: 'h', pauseMs: 0, batch: 5 })).removed.completed).toBe(0);
    expect(limits.at(-1)).toBe(5);
  });

  it('an aborted pass runs no further batch; a pass without a stored policy removes nothing', async () => {
    const { q } = await completedQueue(3);
    const signal = AbortSignal.abort();
    expect((await applyRetention(q, { holder: 'h', pauseMs: 0, signal })).removed.completed).toBe(0);
    const plain = new Queue(q.storage, 'other');
    expect(await applyRetention(plain, { holder: 'h', pauseMs: 0 })).toEqual({ held: true, removed: { completed: 0, failed: 0, cancelled: 0 } });
    expect((await q.listJobs({ states: ['completed'] })).items.length).toBe(3);
  });

  it('refuses bad pass options with a typed error before taking the lease', async () => {
    const { q, s, clock } = await completedQueue(1);
    for (const [options, path] of [
      [{ holder: '' }, ['options', 'holder']],
      [{ holder: 'h', batch: 0 }, ['options', 'batch']],
      [{ holder: 'h', pauseMs: -1 }, ['options', 'pauseMs']],
    ] as const) {
      const err = await applyRetention(q, options as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).path).toEqual(path);
    }
    expect((await s.takeHousekeepingLease({ queue: 'kept', holder: 'other', leaseMs: 1, now: clock.now() })).held).toBe(true);
  });
});
