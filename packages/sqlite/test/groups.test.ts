/**
 * Groups on SQLite beyond the shared contract: the order positions report is the order claims
 * return on random grouped queues (groups, priorities, delayed jobs, batches), the work ahead is
 * a prefix of that order, and a queue that becomes grouped keeps its waiting jobs first.
 */
import type { JobRecord, NewJob, Storage } from '@waitline/core';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '@waitline/storage-contract';
import { open, plainJob, T0 } from './group-fixtures.js';

function job(overrides: Partial<NewJob> = {}): NewJob {
  return plainJob(randomUUID(), { name: 'job', priority: 2, maxAttempts: 3, ...overrides });
}

async function add(s: Storage, list: Array<Partial<NewJob>>, now = T0): Promise<JobRecord[]> {
  return (await s.enqueue({ queue: 'q', jobs: list.map((o) => job(o)), now })).jobs;
}

async function claim(s: Storage, limit: number, now = T0): Promise<JobRecord[]> {
  return s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now });
}

/** The ready jobs of the queue by the positions the storage reports, checked to be 1..n. */
async function byPosition(s: Storage, jobs: JobRecord[], now: number): Promise<string[]> {
  const placed: Array<[number, string]> = [];
  for (const j of jobs) {
    const position = await s.getPosition({ queue: 'q', id: j.id, now });
    const inputs = await s.getPositionInputs({
      queue: 'q',
      id: j.id,
      now,
      aheadWorkLimit: 5,
      aheadListLimit: 1_000,
      dueAheadLimit: 100,
      sampleLimit: 1,
      workerStaleMs: 1,
    });
    if (position === null) {
      expect(inputs?.ahead ?? null).toBeNull();
      continue;
    }
    expect(inputs?.ahead).toBe(position - 1);
    expect(inputs?.aheadJobs?.length).toBe(position - 1);
    expect(inputs?.aheadWorkOf).toBeLessThanOrEqual(Math.min(5, position - 1));
    placed.push([position, j.id]);
  }
  placed.sort((a, b) => a[0] - b[0]);
  expect(placed.map((p) => p[0])).toEqual(placed.map((_, i) => i + 1));
  return placed.map((p) => p[1]);
}

describe('groups on SQLite', () => {
  it('a group with 5 waiting and a group with 1 alternate', async () => {
    const s = await open();
    await add(
      s,
      [1, 2, 3, 4, 5].map((i) => ({ name: `a${i}`, group: 'a' })),
    );
    await add(s, [{ name: 'b1', group: 'b' }]);
    const names = (await claim(s, 10)).map((j) => j.name);
    expect(names).toEqual(['a1', 'b1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('ungrouped jobs waiting before the first group go first, then take turns as one group', async () => {
    const s = await open();
    await add(s, [{ name: 'u1' }, { name: 'u2' }]);
    await add(s, [
      { name: 'a1', group: 'a' },
      { name: 'a2', group: 'a' },
    ]);
    await add(s, [{ name: 'u3' }]);
    const names = (await claim(s, 10)).map((j) => j.name);
    expect(names).toEqual(['u1', 'a1', 'u2', 'a2', 'u3']);
  });

  it('a batch claim equals single claims, and a retried job rejoins at the back', async () => {
    const s = await open();
    await add(s, [
      { name: 'a1', group: 'a' },
      { name: 'a2', group: 'a' },
      { name: 'b1', group: 'b' },
      { name: 'c1', group: 'c' },
    ]);
    const [a1] = await claim(s, 1);
    expect(a1?.name).toBe('a1');
    const settled = await s.settle({
      queue: 'q',
      now: T0 + 1,
      failed: [{ id: a1!.id, leaseToken: a1!.leaseToken!, error: { name: 'Error', message: 'x', attempt: 1, at: T0 + 1 }, retryAt: T0 + 1 }],
    });
    expect(settled.settled[0]?.state).toBe('queued');
    expect((await claim(s, 10, T0 + 2)).map((j) => j.name)).toEqual(['b1', 'c1', 'a2', 'a1']);
  });

  it('a claim walks past more than a page of groups whose heads are not due, and they keep their turns', async () => {
    const s = await open();
    await add(
      s,
      Array.from({ length: 150 }, (_, i) => ({ name: `late${i}`, group: `g${i}`, runAt: T0 + 1_000 })),
    );
    await add(s, [{ name: 'ready', group: 'z' }]);
    expect((await claim(s, 5)).map((j) => j.name)).toEqual(['ready']);
    const later = await claim(s, 3, T0 + 1_000);
    expect(later.map((j) => j.name)).toEqual(['late0', 'late1', 'late2']);
  });

  it('exports groups back through reads and imports them', async () => {
    const s = await open();
    const [a] = await add(s, [{ name: 'a1', group: 'tenant' }]);
    expect((await s.getJob({ queue: 'q', id: a!.id }))?.group).toBe('tenant');
    const page = await s.listJobs({ queue: 'q', limit: 10 });
    expect(page.items.map((j) => j.group)).toEqual(['tenant']);
    const stats = await s.getStats({ queue: 'q', now: T0, windowsMs: [], sampleLimit: 1, workerStaleMs: 1 });
    expect(stats.counts.queued).toBe(1);
    expect(stats.counts.ready).toBe(1);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('the order getPosition reports is the order claims return (seed %i)', async (seed) => {
    const s = await open();
    const rnd = random(seed);
    const groups = [null, 'a', 'b', 'c'];
    let now = T0;
    const all: JobRecord[] = [];
    for (let round = 0; round < 4; round++) {
      const list = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => ({
        name: `j${round}-${Math.floor(rnd() * 1e9)}`,
        group: groups[Math.floor(rnd() * groups.length)] ?? null,
        priority: Math.floor(rnd() * 2),
        runAt: now + Math.floor(rnd() * 3) * 10 - 10,
      }));
      all.push(...(await add(s, list, now)));
      now += 10;
      const gone = new Set((await claim(s, Math.floor(rnd() * 4), now)).map((j) => j.id));
      for (let i = all.length - 1; i >= 0; i--) if (gone.has(all[i]!.id)) all.splice(i, 1);
    }
    const order = await byPosition(s, all, now);
    const last = order.at(-1);
    if (last !== undefined) {
      // The jobs ahead of the last ready job are every other ready job, in claim order.
      const inputs = await s.getPositionInputs({
        queue: 'q',
        id: last,
        now,
        aheadWorkLimit: 1_000,
        aheadListLimit: 1_000,
        dueAheadLimit: 100,
        sampleLimit: 1,
        workerStaleMs: 1,
      });
      const byId = new Map(all.map((j) => [j.id, j]));
      const ahead = order.slice(0, -1).map((id) => byId.get(id)!);
      const level = byId.get(last)!.priority;
      const higher = ahead.filter((j) => j.priority > level).map((j) => j.name);
      const names = inputs?.aheadJobs?.map((j) => j.name) ?? [];
      // Higher levels are listed by the plain ordering rule (all of them run first); the job's
      // own level in exact claim order.
      expect([...names.slice(0, higher.length)].sort()).toEqual([...higher].sort());
      expect(names.slice(higher.length)).toEqual(ahead.filter((j) => j.priority === level).map((j) => j.name));
      expect(inputs?.aheadWorkOf).toBe(order.length - 1);
    }
    const claimed: string[] = [];
    while (claimed.length < order.length) {
      const batch = await claim(s, 1 + Math.floor(rnd() * 3), now);
      expect(batch.length).toBeGreaterThan(0);
      claimed.push(...batch.map((j) => j.id));
    }
    expect(claimed.slice(0, order.length)).toEqual(order);
  });
});
