import { describe, expect, it } from 'vitest';
import { GroupFullError, ValidationError } from '../src/errors.js';
import { estimateEta } from '../src/eta.js';
import { groupCapStartBound } from '../src/eta-group.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';
import type { QueueConfig } from '../src/storage.js';
import { groupedInputs, limitsConfig, NOW } from './fixtures/eta-inputs.js';

describe('the group caps through a Queue', () => {
  it('stores groupConcurrency and groupMaxWaiting for every process, and null removes them', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings', { groupConcurrency: 2, groupMaxWaiting: 10 });
    await queue.ready();
    const stored = await storage.getQueue('meetings');
    expect([stored?.groupConcurrency, stored?.groupMaxWaiting]).toEqual([2, 10]);
    await new Queue(storage, 'meetings', { groupConcurrency: null }).ready();
    expect((await storage.getQueue('meetings'))?.groupConcurrency).toBeUndefined();
    await storage.close();
  });

  it('setGroupLimits writes the fields given, keeps the others, and refuses bad ones with nothing written', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings', { groupConcurrency: 2 });
    await queue.ready();
    expect((await queue.setGroupLimits({ groupMaxWaiting: 5 })).groupConcurrency).toBe(2);
    expect((await queue.setGroupLimits({ groupConcurrency: null })).groupMaxWaiting).toBe(5);
    await expect(queue.setGroupLimits({ groupConcurrency: 0 })).rejects.toMatchObject({ code: 'VALIDATION', path: ['groupConcurrency'] });
    await expect(queue.setGroupLimits({ other: 1 } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    const stored = await storage.getQueue('meetings');
    expect([stored?.groupConcurrency, stored?.groupMaxWaiting]).toEqual([undefined, 5]);
    await storage.close();
  });

  it.each([
    ['groupConcurrency', 0],
    ['groupConcurrency', 1.5],
    ['groupMaxWaiting', -1],
    ['groupMaxWaiting', '3'],
    // Past what a Postgres integer keeps: refused on every storage, not stored on three.
    ['groupConcurrency', 2 ** 31],
    ['groupMaxWaiting', 2 ** 40],
    ['concurrency', 2 ** 31],
    ['maxSize', 2 ** 31],
  ])('refuses %s = %o at its path', (key, value) => {
    const storage = new MemoryStorage();
    expect(() => new Queue(storage, 'q', { [key]: value })).toThrow(ValidationError);
    try {
      new Queue(storage, 'q', { [key]: value });
    } catch (err) {
      expect((err as ValidationError).path).toEqual(['options', key]);
    }
  });

  it('remembers a limit once the storage stored it: one the storage refused is not written again at a restore', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings', { groupConcurrency: 2 });
    await queue.ready();
    const upsert = storage.upsertQueue.bind(storage);
    storage.upsertQueue = (p) => (p.groupConcurrency === 7 ? Promise.reject(new Error('refused')) : upsert(p));
    await expect(queue.setGroupLimits({ groupConcurrency: 7 })).rejects.toThrow('refused');
    expect((await queue.restoreConfig()).groupConcurrency).toBe(2);
    await storage.close();
  });

  it('refuses the caps on a storage without the groups capability', () => {
    class Ungrouped extends MemoryStorage {
      override readonly capabilities = { ...new MemoryStorage().capabilities, groups: false };
    }
    const storage = new Ungrouped();
    expect(() => new Queue(storage, 'q', { groupConcurrency: 1 })).toThrow(/groups capability/);
    expect(() => new Queue(storage, 'q', { groupMaxWaiting: null })).not.toThrow();
  });

  it('names the full group and the bulk entry; nothing of the batch is written', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings', { groupMaxWaiting: 2 });
    await queue.add({}, { group: 'alice' });
    const single = await queue.addBulk([{ payload: {}, options: { group: 'alice' } }]);
    expect(single).toHaveLength(1);
    const err = await queue.add({}, { group: 'alice' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GroupFullError);
    expect((err as GroupFullError).path).toEqual(['options', 'group']);
    const bulk = await queue
      .addBulk([
        { payload: {}, options: { group: 'bob' } },
        { payload: {}, options: { group: 'alice' } },
      ])
      .catch((e: unknown) => e);
    expect(bulk).toMatchObject({ code: 'GROUP_FULL', group: 'alice', maxWaiting: 2, index: 1, path: ['jobs', 1, 'options', 'group'] });
    expect((await queue.getStats()).counts.queued).toBe(2);
    await storage.close();
  });
});

describe('the group cap in the ETA', () => {
  const config = (groupConcurrency: number | null): QueueConfig => limitsConfig(groupConcurrency === null ? {} : { groupConcurrency });

  it('runs the group jobs ahead on the group slots: rank 4 on 2 slots waits two run times', () => {
    const inputs = { config: config(2), group: { name: 'a', rank: 4, running: 0 } };
    expect(groupCapStartBound(inputs, { ownMs: 1_000, capacity: 50, runningRemainingMs: [] })).toBe(2_000);
    expect(groupCapStartBound({ ...inputs, group: { name: 'a', rank: 0, running: 2 } }, { ownMs: 1_000, capacity: 50, runningRemainingMs: [300, 500] })).toBe(
      400,
    );
    expect(groupCapStartBound({ ...inputs, group: { name: 'a', rank: 0, running: 1 } }, { ownMs: 1_000, capacity: 50, runningRemainingMs: [300] })).toBe(0);
  });

  it("counts the group's jobs at higher levels ahead of its rank: they take its slots first", () => {
    const model = { ownMs: 1_000, capacity: 4, runningRemainingMs: [] };
    expect(groupCapStartBound({ config: config(1), group: { name: 'a', rank: 0, higher: 3, running: 0 } }, model)).toBe(3_000);
    expect(groupCapStartBound({ config: config(1), group: { name: 'a', rank: 1, higher: 3, running: 0 } }, model)).toBe(4_000);
  });

  it('is 0 without a cap or a group, and the queue capacity bounds the slots', () => {
    const model = { ownMs: 1_000, capacity: 1, runningRemainingMs: [] };
    expect(groupCapStartBound({ config: config(null), group: { name: 'a', rank: 4, running: 0 } }, model)).toBe(0);
    expect(groupCapStartBound({ config: config(3), group: undefined }, model)).toBe(0);
    expect(groupCapStartBound({ config: config(3), group: { name: 'a', rank: 4, running: 0 } }, model)).toBe(4_000);
  });

  it('holds the ETA back when the group, not the queue, is what the job waits for', () => {
    const group = { name: 'a', rank: 5, running: 0 };
    expect(estimateEta(groupedInputs(config(null), group), NOW)?.startsInMs).toBe(0);
    expect(estimateEta(groupedInputs(config(1), group), NOW)?.startsInMs).toBe(5_000);
  });
});
