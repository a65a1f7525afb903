import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterServe, groupPosition, type GroupTurn, rotationOrder, roundsWithin, takenInRounds, usedOf } from '../src/group-rotation.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';
import { exportJobs } from '../src/transfer/export.js';
import { importJobs } from '../src/transfer/import.js';
import { waitingInClaimOrder } from '../src/waiting.js';

describe('group rotation with weights', () => {
  it('a premium group of weight 2 takes two turns per round', () => {
    const level: Array<GroupTurn & { jobs: string[] }> = [
      { group: 'p', turn: 1, weight: 2, jobs: ['p1', 'p2', 'p3', 'p4'] },
      { group: 'a', turn: 2, jobs: ['a1', 'a2', 'a3'] },
    ];
    expect(rotationOrder(level)).toEqual(['p1', 'p2', 'a1', 'p3', 'p4', 'a2', 'a3']);
    expect(groupPosition({ higher: 0, rank: 2, own: { group: 'a', turn: 2 }, others: [{ group: 'p', turn: 1, weight: 2, ready: 4 }] })).toBe(7);
  });

  it('a lowered weight ends the round at the next claim; used never counts past weight − 1', () => {
    expect(usedOf({ weight: 2, used: 5 })).toBe(1);
    expect(afterServe({ weight: 2, used: 5 })).toEqual({ keep: false, used: 0 });
    expect(afterServe({ weight: 3, used: 1 })).toEqual({ keep: true, used: 2 });
    expect(takenInRounds({ weight: 3, used: 1 }, 2)).toBe(5);
  });

  it('roundsWithin takes whole weighted rounds that fit the limit', () => {
    const boundArb = fc.record({ bound: fc.integer({ min: 0, max: 20 }), weight: fc.integer({ min: 1, max: 4 }), used: fc.integer({ min: 0, max: 4 }) });
    fc.assert(
      fc.property(fc.array(boundArb, { maxLength: 8 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 10 }), (bounds, limit, higher) => {
        const k = roundsWithin(bounds, limit, higher);
        const taken = (n: number) => bounds.reduce((s, b) => s + Math.min(b.bound, takenInRounds(b, n)), 0);
        const room = Math.max(0, limit - higher);
        expect(taken(k)).toBeLessThanOrEqual(room);
        if (taken(k) < bounds.reduce((s, b) => s + b.bound, 0)) expect(taken(k + 1)).toBeGreaterThan(room);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('Queue.setGroup', () => {
  it('stores a weight for every process; the queue takes the group twice per round', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings');
    await queue.setGroup('premium', { weight: 2 });
    expect(await queue.listGroupSettings()).toEqual([{ group: 'premium', weight: 2 }]);
    const premium = await queue.addBulk([1, 2, 3].map((n) => ({ payload: { n }, options: { group: 'premium' } })));
    const basic = await queue.add({ n: 4 }, { group: 'basic' });
    expect(await queue.getPosition(basic.id)).toBe(3);
    expect(await queue.getPosition((premium[2] as (typeof premium)[number]).id)).toBe(4);
    await queue.setGroup('premium', null);
    expect(await queue.listGroupSettings()).toEqual([]);
    expect(await queue.getPosition(basic.id)).toBe(2);
    await storage.close();
  });

  it('refuses a bad group or weight at its path, and a storage without groups, writing nothing', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings');
    await expect(queue.setGroup('', { weight: 2 })).rejects.toMatchObject({ code: 'VALIDATION', path: ['group'] });
    await expect(queue.setGroup('a', { weight: 0 })).rejects.toMatchObject({ code: 'VALIDATION', path: ['settings', 'weight'] });
    await expect(queue.setGroup('a', { weight: 101 })).rejects.toMatchObject({ path: ['settings', 'weight'] });
    await expect(queue.setGroup('a', { weight: 2, extra: 1 } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await queue.listGroupSettings()).toEqual([]);
    class Ungrouped extends MemoryStorage {
      override readonly capabilities = { ...new MemoryStorage().capabilities, groups: false };
    }
    await expect(new Queue(new Ungrouped(), 'q').setGroup('a', { weight: 2 })).rejects.toMatchObject({ code: 'VALIDATION', path: ['group'] });
    await storage.close();
  });

  it('an export carries the weights and an import stores them (format 3)', async () => {
    const source = new MemoryStorage();
    const queue = new Queue(source, 'meetings', { groupConcurrency: 2 });
    await queue.setGroup('premium', { weight: 3 });
    await queue.add({ n: 1 }, { group: 'premium' });
    const lines: string[] = [];
    for await (const line of exportJobs(source)) lines.push(line);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 3 });
    expect(lines).toContain('{"type":"group","queue":"meetings","group":"premium","weight":3}');
    const target = new MemoryStorage();
    await importJobs(target, lines, { onConflict: 'fail' });
    expect(await target.listGroupSettings({ queue: 'meetings' })).toEqual([{ group: 'premium', weight: 3 }]);
    expect((await target.getQueue('meetings'))?.groupConcurrency).toBe(2);
    const bad = lines.map((l) => l.replace('"weight":3', '"weight":0'));
    await expect(importJobs(new MemoryStorage(), bad, { onConflict: 'fail' })).rejects.toMatchObject({ code: 'IMPORT_ABORTED' });
    await Promise.all([source.close(), target.close()]);
  });
});

describe('waitingInClaimOrder with weights', () => {
  it('lists a weighted group in its blocks, a round already begun included, as claims will take them', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'meetings');
    await queue.setGroup('p', { weight: 3 });
    await queue.setGroup('q', { weight: 2 });
    await queue.addBulk(['p0', 'p1', 'p2', 'p3', 'p4'].map((name) => ({ payload: {}, options: { name, group: 'p' } })));
    await queue.addBulk(['q0', 'q1', 'q2'].map((name) => ({ payload: {}, options: { name, group: 'q' } })));
    await queue.add({}, { name: 'u0' });
    const now = Date.now() + 1;
    await storage.claim({ queue: 'meetings', workerId: 'w', limit: 1, leaseMs: 1_000, now });
    const listed = await waitingInClaimOrder(queue, { now });
    expect(listed.map((j) => j.name)).toEqual(['p1', 'p2', 'q0', 'q1', 'u0', 'p3', 'p4', 'q2']);
    const claimed = await storage.claim({ queue: 'meetings', workerId: 'w', limit: 10, leaseMs: 1_000, now });
    expect(claimed.map((j) => j.name)).toEqual(listed.map((j) => j.name));
    await storage.close();
  });
});
