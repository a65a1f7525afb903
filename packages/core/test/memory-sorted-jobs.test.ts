/**
 * MemoryStorage's sorted waiting jobs: a seeded random mix of adds (behind every job, in front
 * of every job, in between), claims of the first job and removals anywhere keeps the same
 * order, sizes, ready lists and positions as a plain sorted array, across the compactions that
 * claims from the front trigger; and a drain of n jobs does not shift the array n times.
 */
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../src/job-record.js';
import { SortedJobs } from '../src/memory/sorted-jobs.js';
import { compareJobOrder } from '../src/ordering.js';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const job = (priority: number, runAt: number, seq: number): JobRecord => ({ id: `j${seq}`, priority, runAt, seq }) as JobRecord;

describe('SortedJobs', () => {
  it('matches a plain sorted array through random adds, claims of the first job and removals anywhere', () => {
    const rand = seeded(7);
    const sorted = new SortedJobs();
    let model: JobRecord[] = [];
    let seq = 0;
    const now = 5_000;
    for (let step = 0; step < 20_000; step++) {
      const r = rand();
      if (r < 0.45 || model.length === 0) {
        const j = job(Math.floor(rand() * 3), Math.floor(rand() * 10_000), ++seq);
        sorted.insert(j);
        model = [...model, j].sort(compareJobOrder);
      } else if (r < 0.85) {
        const first = model.shift() as JobRecord;
        expect(sorted.first()).toBe(first);
        expect(sorted.remove(first)).toBe(true);
      } else {
        const at = Math.floor(rand() * model.length);
        const [gone] = model.splice(at, 1);
        expect(sorted.remove(gone as JobRecord)).toBe(true);
        expect(sorted.remove(gone as JobRecord)).toBe(false);
      }
      expect(sorted.size).toBe(model.length);
      if (step % 97 === 0 && model.length > 0) {
        expect(sorted.ready(now, 50)).toEqual(model.filter((j) => j.runAt <= now).slice(0, 50));
        const probe = model[Math.floor(rand() * model.length)] as JobRecord;
        const ahead = model.filter((j) => compareJobOrder(j, probe) < 0 && j.runAt <= now).length;
        expect(sorted.readyAhead(probe, now)).toBe(ahead);
        expect(sorted.dueAbove(0, now, 10)).toEqual(
          model
            .filter((j) => j.priority > 0 && j.runAt > now)
            .sort((a, b) => a.runAt - b.runAt || a.seq - b.seq)
            .slice(0, 10),
        );
      }
    }
  });

  it('drains 200,000 jobs from the front with a handful of compactions, not a shift per claim', () => {
    const sorted = new SortedJobs();
    const jobs = Array.from({ length: 200_000 }, (_, i) => job(1, 0, i + 1));
    for (const j of jobs) sorted.insert(j);
    const splice = Array.prototype.splice;
    let shifts = 0;
    let removed = 0;
    Array.prototype.splice = function (this: unknown[], ...args: Parameters<typeof splice>) {
      shifts += 1;
      return splice.apply(this, args);
    } as typeof splice;
    try {
      for (const j of jobs) if (sorted.remove(j)) removed += 1;
    } finally {
      Array.prototype.splice = splice;
    }
    expect(removed).toBe(200_000);
    expect(shifts).toBe(0);
    expect(sorted.size).toBe(0);
    expect(sorted.first()).toBeUndefined();
  });
});
