import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { estimateEta } from '../src/eta.js';
import { groupRateStartBound } from '../src/eta-rate.js';
import { GroupHolds } from '../src/memory/group-holds.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { defaultQueueConfig, MemoryStore } from '../src/memory/store.js';
import { Queue } from '../src/queue.js';
import { groupedInputs, limitsConfig, NOW } from './fixtures/eta-inputs.js';

describe('groupRateLimit through a Queue', () => {
  it('is stored for every process, kept by setGroupLimits calls without it, and removed by null', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings', { groupRateLimit: { max: 2, intervalMs: 1_000 } });
    await queue.ready();
    expect((await storage.getQueue('meetings'))?.groupRateLimit).toEqual({ max: 2, intervalMs: 1_000 });
    expect((await queue.setGroupLimits({ groupConcurrency: 3 })).groupRateLimit).toEqual({ max: 2, intervalMs: 1_000 });
    expect((await queue.setGroupLimits({ groupRateLimit: { max: 5, intervalMs: 60_000 } })).groupRateLimit).toEqual({ max: 5, intervalMs: 60_000 });
    expect(await queue.setGroupLimits({ groupRateLimit: null })).not.toHaveProperty('groupRateLimit');
    await storage.close();
  });

  it('refuses a bad limit at its path with nothing written', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings', { groupRateLimit: { max: 2, intervalMs: 1_000 } });
    await queue.ready();
    await expect(queue.setGroupLimits({ groupRateLimit: { max: 0, intervalMs: 1_000 } })).rejects.toMatchObject({
      code: 'VALIDATION',
      path: ['groupRateLimit', 'max'],
    });
    await expect(queue.setGroupLimits({ groupRateLimit: { max: 1 } as never })).rejects.toMatchObject({ path: ['groupRateLimit', 'intervalMs'] });
    expect(() => new Queue(storage, 'q', { groupRateLimit: { max: 1, intervalMs: 0.5 } })).toThrow(ValidationError);
    try {
      new Queue(storage, 'q', { groupRateLimit: { max: 1, intervalMs: 0.5 } });
    } catch (err) {
      expect((err as ValidationError).path).toEqual(['options', 'groupRateLimit', 'intervalMs']);
    }
    expect((await storage.getQueue('meetings'))?.groupRateLimit).toEqual({ max: 2, intervalMs: 1_000 });
    await storage.close();
  });

  it('is refused on a storage without the groups capability', () => {
    class Ungrouped extends MemoryStorage {
      override readonly capabilities = { ...new MemoryStorage().capabilities, groups: false };
    }
    const storage = new Ungrouped();
    expect(() => new Queue(storage, 'q', { groupRateLimit: { max: 1, intervalMs: 10 } })).toThrow(/groups capability/);
    expect(() => new Queue(storage, 'q', { groupRateLimit: null })).not.toThrow();
  });
});

describe('the group rate limit in the ETA', () => {
  const limit = { max: 2, intervalMs: 1_000 };
  const config = limitsConfig({ groupRateLimit: limit });

  it('gives each of the group jobs ahead, then the job, a token of the group window', () => {
    // Rank 0, no start in the window: now. Rank 2 (third start): one window later.
    expect(groupRateStartBound({ config, group: { name: 'a', rank: 0, running: 0, starts: [] } }, NOW)).toBe(0);
    expect(groupRateStartBound({ config, group: { name: 'a', rank: 2, running: 0, starts: [] } }, NOW)).toBe(1_000);
    // Two starts 400 ms ago fill the window: the first token frees in 600 ms.
    expect(groupRateStartBound({ config, group: { name: 'a', rank: 0, running: 2, starts: [NOW - 400, NOW - 400] } }, NOW)).toBe(600);
  });

  it("spends a token on each of the group's jobs at higher levels first", () => {
    // Three ahead at higher levels, none at its own: the fourth start, one window later.
    expect(groupRateStartBound({ config, group: { name: 'a', rank: 0, higher: 3, running: 0, starts: [] } }, NOW)).toBe(1_000);
  });

  it('is 0 without the limit or a group', () => {
    expect(groupRateStartBound({ config: limitsConfig(), group: { name: 'a', rank: 9, running: 0, starts: [] } }, NOW)).toBe(0);
    expect(groupRateStartBound({ config, group: undefined }, NOW)).toBe(0);
  });

  it('holds the ETA back when the group tokens, not the queue slots, are what the job waits for', () => {
    const group = { name: 'a', rank: 5, running: 0, starts: [NOW - 100, NOW - 100] };
    expect(estimateEta(groupedInputs(limitsConfig(), group), NOW)?.startsInMs).toBe(0);
    // Rank 5 is the sixth start: tokens free at +900 (two), +1_900 (two), +2_900 (two).
    expect(estimateEta(groupedInputs(config, group), NOW)?.startsInMs).toBe(2_900);
  });
});

describe('the group start logs in memory', () => {
  it('forget a group whose starts all left the window, stalest first, a few per claim', () => {
    const store = new MemoryStore();
    store.queues.set('q', { ...defaultQueueConfig('q'), groupRateLimit: { max: 5, intervalMs: 1_000 } });
    for (let i = 0; i < 12; i++) new GroupHolds(store, 'q', NOW + i).took(`g${i}`);
    const logs = () => [...(store.groupStarts.get('q')?.keys() ?? [])];
    expect(logs()).toHaveLength(12);
    // g0 started again last: it moves behind the others and is kept.
    new GroupHolds(store, 'q', NOW + 999).took('g0');
    // At NOW + 1_005 the starts of g1…g5 left the window (g6… and g0 still count): a claim forgets them, and no more than 8.
    new GroupHolds(store, 'q', NOW + 1_005);
    expect(logs()).toEqual(['g6', 'g7', 'g8', 'g9', 'g10', 'g11', 'g0']);
    new GroupHolds(store, 'q', NOW + 5_000);
    expect(logs()).toHaveLength(0);
  });
});
