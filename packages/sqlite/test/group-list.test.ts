/**
 * `listGroups` on SQLite beyond the shared contract: on random grouped queues (groups whose names
 * sort differently by code unit and by code point, levels, delayed jobs, claims, settles, cancels,
 * removes, priority changes and weights) every page answers as MemoryStorage, the reference; a
 * stale turn stamp (a group emptied by a cancel) neither lists its group nor takes a place in the
 * page; the statement reads through the group keys and indexes, without a sort.
 */
import type { GroupsPage, NewJob, Storage } from '@waitline/core';
import { seededRandom as random } from '@waitline/storage-contract';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SQL } from '../src/generated/sql.js';
import { bothSides, open, plainJob, type Side, T0 } from './group-fixtures.js';

/** Names whose code-unit order differs from their code-point order, plus the plain cases. */
const GROUPS = [null, 'a', 'B', 'é', '\u{1D11E}', '\uE000', 'tenant-1', 'tenant-10'] as const;

/** Runs `fn`, answering its result or the error's code. */
async function settled(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return await fn();
  } catch (err) {
    return { code: (err as { code?: string }).code };
  }
}

/** Every page of the queue's groups, walked with `limit`. */
async function walk(s: Storage, now: number, limit: number): Promise<GroupsPage[]> {
  const pages: GroupsPage[] = [];
  let after: string | undefined;
  do {
    const page = await (s.listGroups as NonNullable<Storage['listGroups']>)({ queue: 'q', now, limit, ...(after === undefined ? {} : { after }) });
    pages.push(page);
    after = page.nextAfter ?? undefined;
  } while (after !== undefined);
  return pages;
}

/** A random batch of jobs, grouped or not, at levels 0-2, some delayed. */
function batch(rnd: () => number, ids: string[], now: number): NewJob[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  return Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => {
    const id = `j${ids.length}`;
    ids.push(id);
    return plainJob(id, { group: pick(GROUPS), priority: Math.floor(rnd() * 3), runAt: now + pick([-5, 0, 0, 6]) });
  });
}

/** One random step on both sides; returns what each answered. */
async function step(rnd: () => number, sides: Side[], ids: string[], now: number): Promise<unknown[]> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const op = rnd();
  const each = (fn: (side: Side) => Promise<unknown>) => Promise.all(sides.map((side) => settled(() => fn(side))));
  if (op < 0.35) {
    const jobs = batch(rnd, ids, now);
    return each((side) => side.s.enqueue({ queue: 'q', jobs, now }).then((r) => r.jobs.length));
  }
  if (op < 0.55) {
    const limit = 1 + Math.floor(rnd() * 3);
    return each(async (side) => {
      const claimed = await side.s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now });
      for (const j of claimed) side.tokens.set(j.id, j.leaseToken ?? '');
      return claimed.map((j) => j.id);
    });
  }
  if (op < 0.7) {
    const running = [...(sides[0]?.tokens.keys() ?? [])].sort();
    if (running.length === 0) return [null, null];
    const id = pick(running);
    return each(async (side) => {
      const item = { id, leaseToken: side.tokens.get(id) ?? '' };
      side.tokens.delete(id);
      return side.s.settle({ queue: 'q', now, completed: [{ ...item, result: null }] }).then(() => id);
    });
  }
  const id = ids.length === 0 ? 'none' : pick(ids);
  if (op < 0.8) return each((side) => side.s.cancel({ queue: 'q', id, now }).then((j) => j.state));
  const priority = Math.floor(rnd() * 3);
  if (op < 0.87) return each((side) => side.s.changePriority({ queue: 'q', id, priority }).then((j) => j.priority));
  if (op < 0.92) return each((side) => side.s.removeJobs({ queue: 'q', states: ['queued', 'cancelled'], limit: 100 }));
  const group = pick(GROUPS) ?? 'idle';
  const settings = rnd() < 0.6 ? { weight: 1 + Math.floor(rnd() * 4) } : null;
  return each((side) => (side.s.setGroup as NonNullable<Storage['setGroup']>)({ queue: 'q', group, settings, now }));
}

describe('listGroups on SQLite', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('answers as MemoryStorage on random grouped queues, page by page (seed %i)', async (seed) => {
    const rnd = random(seed);
    const sides = await bothSides();
    const ids: string[] = [];
    let now = T0;
    for (let i = 0; i < 60; i++) {
      const [mine, reference] = await step(rnd, sides, ids, now);
      expect(mine, `step ${i}`).toEqual(reference);
      now += Math.floor(rnd() * 4);
      const limit = 1 + Math.floor(rnd() * 3);
      const [a, b] = await Promise.all(sides.map((side) => walk(side.s, now, limit)));
      expect(a, `step ${i} pages of ${limit}`).toEqual(b);
      const [whole] = await Promise.all(sides.map((side) => walk(side.s, now, 100)));
      expect(
        whole?.[0]?.items.map((g) => g.group),
        `step ${i}`,
      ).toEqual(b?.flatMap((p) => p.items.map((g) => g.group)));
    }
  });

  it('does not list a group whose stale stamp outlived its jobs, nor let it take a place in the page', async () => {
    const s = await open();
    await s.enqueue({ queue: 'q', now: T0, jobs: [plainJob('a0', { group: 'a' }), plainJob('b0', { group: 'b' }), plainJob('c0', { group: 'c' })] });
    await s.cancel({ queue: 'q', id: 'a0', now: T0 });
    await s.removeJobs({ queue: 'q', states: ['cancelled'], limit: 10 });
    const page = await s.listGroups({ queue: 'q', now: T0, limit: 1 });
    expect(page).toEqual({ items: [{ group: 'b', ready: 1, scheduled: 0, running: 0, weight: 1 }], nextAfter: 'b' });
    expect(await s.listGroups({ queue: 'q', now: T0, limit: 1, after: 'b' })).toEqual({
      items: [{ group: 'c', ready: 1, scheduled: 0, running: 0, weight: 1 }],
      nextAfter: null,
    });
  });

  it('walks the group keys and indexes in name order and counts each listed group on its own seeks', () => {
    const db = new Database(':memory:');
    for (const m of MIGRATIONS) db.exec(m.sql);
    const params = Object.fromEntries([...SQL.listGroups.replace(/--[^\n]*/g, '').matchAll(/:([A-Za-z]\w*)/g)].map((m) => [m[1], null]));
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQL.listGroups}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
    db.close();
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN (jobs|group_turns|group_settings)\b/);
    expect(plan.filter((l) => l.startsWith('SEARCH'))).toEqual([
      // The names: three walks in grp order, merged.
      'SEARCH t USING PRIMARY KEY (queue=? AND grp>?)',
      'SEARCH j EXISTS USING COVERING INDEX jobs_grouped (queue=? AND priority=? AND grp=?)',
      'SEARCH jobs USING COVERING INDEX jobs_group_running (queue=? AND grp>?)',
      'SEARCH group_settings USING PRIMARY KEY (queue=? AND grp>?)',
      // The counts of each listed group.
      'SEARCH t USING PRIMARY KEY (queue=? AND grp=?)',
      'SEARCH j USING COVERING INDEX jobs_grouped (queue=? AND priority=? AND grp=? AND run_at<?)',
      'SEARCH t USING PRIMARY KEY (queue=? AND grp=?)',
      'SEARCH j USING COVERING INDEX jobs_grouped (queue=? AND priority=? AND grp=? AND run_at>?)',
      'SEARCH jobs USING COVERING INDEX jobs_group_running (queue=? AND grp=?)',
      'SEARCH group_settings USING PRIMARY KEY (queue=? AND grp=?)',
    ]);
  });
});
