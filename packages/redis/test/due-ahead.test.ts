/**
 * Position inputs' `dueAhead` on Redis (lua/lib/scheduled-above.lua): with many priority levels,
 * grouped and ungrouped scheduled jobs and limits below and above what each level holds, the list
 * is MemoryStorage's for the same jobs, and the read moves no scheduled job. The rules themselves
 * are the contract's area "position inputs: scheduled jobs that outrank the job".
 */
import { MemoryStorage, type NewJob, type PositionParams, type Storage } from '@waitline/core';
import { newJob, seededRandom, T0 } from '@waitline/storage-contract';
import { describe, expect, it } from 'vitest';
import { groupServer } from './group-fixtures.js';

const server = await groupServer('due');

/** Random jobs over `levels` priorities, a third of them scheduled after T0 (some on equal runAts). */
function scene(seed: number, count: number, levels: number, grouped: boolean): NewJob[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) =>
    newJob({
      name: `j${i}`,
      priority: 1 + Math.floor(random() * levels),
      runAt: random() < 0.35 ? T0 + 1 + Math.floor(random() * 50) * 10 : T0,
      size: random() < 0.5 ? null : Math.floor(random() * 100),
      group: grouped && random() < 0.6 ? `g${Math.floor(random() * 4)}` : null,
    }),
  );
}

/** The `dueAhead` of every job of `jobs` at `now`, listed at most `limit`. */
async function dueLists(s: Storage, jobs: readonly NewJob[], limit: number, now: number) {
  const lists = [];
  for (const job of jobs) {
    const p: PositionParams = { queue: 'q', id: job.id, now, sampleLimit: 0, aheadListLimit: 0, aheadWorkLimit: 0, dueAheadLimit: limit, workerStaleMs: 1 };
    lists.push((await s.getPositionInputs(p))?.dueAhead);
  }
  return lists;
}

describe.runIf(server.available)('redis dueAhead', () => {
  for (const grouped of [false, true]) {
    it(`lists what MemoryStorage lists, across levels and limits, and moves nothing (${grouped ? 'grouped' : 'plain'})`, async () => {
      const { s: redis, tag } = await server.fresh();
      const raw = server.raw!;
      const memory = new MemoryStorage();
      const jobs = scene(grouped ? 7 : 3, 160, 12, grouped);
      for (const s of [redis, memory]) await s.enqueue({ queue: 'q', jobs, now: T0 });
      const scheduled = async () => (await raw.keys(`${tag}:*`)).filter((k) => /:(scheduled|glvl|gq):/.test(k)).sort();
      const sizes = async () => Promise.all((await scheduled()).map(async (k) => [k, await raw.zcard(k)]));
      const before = await sizes();
      const agree = async (limit: number, now: number) =>
        expect(await dueLists(redis, jobs, limit, now), `limit ${limit} at ${now - T0}`).toEqual(await dueLists(memory, jobs, limit, now));
      for (const limit of [100, 3, 1, 0]) await agree(limit, T0);
      expect(await sizes()).toEqual(before); // no job due at T0: nothing moved
      const listed = await dueLists(redis, jobs, 100, T0);
      expect(listed.some((l) => (l?.length ?? 0) > 3)).toBe(true); // the scene reaches past the small limits
      for (const limit of [100, 2]) await agree(limit, T0 + 200); // due targets move themselves only
    });
  }
});
