/**
 * Group weights on SQLite beyond the shared contract: a grouped queue runs the same statements
 * per claim and per position whether or not it has stored weights (the weight is read inside
 * turn-bump and turns-at), the used count is read only for a weight above 1, settings are listed
 * in code-unit order, and every new statement reads through a primary key or the index it was
 * written for.
 */
import type { NewJob } from '@waitline/core';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { MIGRATIONS, SQL, type SqlName } from '../src/generated/sql.js';
import type { SqliteStorage } from '../src/index.js';

import { open, plainJob, T0 } from './group-fixtures.js';

function job(id: string, group: string | null): NewJob {
  return plainJob(id, { group });
}

/** Records the statements a storage prepares or reuses (by name), from now on. */
function statements(s: SqliteStorage): { take: () => SqlName[] } {
  const ctx = (s as unknown as { ctx: { stmt: (name: SqlName) => unknown } }).ctx;
  const spy = vi.spyOn(ctx, 'stmt');
  return {
    take: () => {
      const names = spy.mock.calls.map((c) => c[0]);
      spy.mockClear();
      return names;
    },
  };
}

/** A grouped queue with P (p0..p2), A (a0..a2) and ungrouped u0; P's weight as given (null: none stored). */
async function groupedQueue(weight: number | null): Promise<SqliteStorage> {
  const s = await open();
  if (weight !== null) await s.setGroup({ queue: 'q', group: 'P', settings: { weight }, now: T0 });
  const jobs = [job('u0', null), ...[0, 1, 2].flatMap((i) => [job(`p${i}`, 'P'), job(`a${i}`, 'A')])];
  await s.enqueue({ queue: 'q', jobs, now: T0 });
  return s;
}

/** A migrated in-memory database, for plans and the statements run alone. */
function migrated(): Database.Database {
  const db = new Database(':memory:');
  for (const m of MIGRATIONS) db.exec(m.sql);
  return db;
}

/** The SEARCH/SCAN lines of a statement's plan, every parameter bound to NULL. */
function plan(db: Database.Database, name: SqlName): string[] {
  const params = Object.fromEntries([...SQL[name].replace(/--[^\n]*/g, '').matchAll(/:([A-Za-z]\w*)/g)].map((m) => [m[1], null]));
  return (db.prepare(`EXPLAIN QUERY PLAN ${SQL[name]}`).all(params) as Array<{ detail: string }>)
    .map((r) => r.detail)
    .filter((l) => /^(SEARCH|SCAN|USE TEMP)/.test(l));
}

describe('group weights on SQLite', () => {
  it('claims and positions run the same statements with stored weights as without', async () => {
    const runs: Array<{ claims: SqlName[][]; position: SqlName[]; order: string[] }> = [];
    for (const weight of [null, 2]) {
      const s = await groupedQueue(weight);
      const seen = statements(s);
      const claims: SqlName[][] = [];
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        order.push(...(await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 60_000, now: T0 })).map((j) => j.id));
        claims.push(seen.take());
      }
      expect(await s.getPosition({ queue: 'q', id: 'a2', now: T0 })).not.toBeNull();
      runs.push({ claims, position: seen.take(), order });
    }
    const [plain, weighted] = runs;
    expect(plain?.order).toEqual(['u0', 'p0', 'a0']);
    expect(weighted?.order).toEqual(['u0', 'p0', 'p1']);
    // A claim of the first group in turn: the queue row, the walk, then (after the lease, ctx.jobs)
    // the turn move, whose weight lookup is inside turn-bump.
    expect(plain?.claims[1]).toEqual(['getQueue', 'turnLevelBelow', 'turnsPage', 'groupHead', 'groupHasQueued', 'turnBump']);
    expect(weighted?.claims).toEqual(plain?.claims);
    expect(weighted?.position).toEqual(plain?.position);
    expect(plain?.position.filter((n) => /GroupSettings/.test(n))).toEqual([]);
  });

  it('turn-bump keeps the stamp within a round and restamps at its end; turns-at reads used only above weight 1', () => {
    const db = migrated();
    db.exec("INSERT INTO group_turns (queue, grp, priority, turn, used) VALUES ('q', 'P', 0, 1, 0), ('q', 'A', 0, 2, 0)");
    const bump = () => db.prepare(SQL.turnBump).run({ queue: 'q', grp: 'P', priority: 0 });
    const turns = () => db.prepare(SQL.turnsAt).all({ queue: 'q', priority: 0 });
    db.exec("INSERT INTO group_settings (queue, grp, weight) VALUES ('q', 'P', 3)");
    bump();
    bump();
    expect(turns()).toEqual([
      { grp: 'P', turn: 1, weight: 3, used: 2 },
      { grp: 'A', turn: 2, weight: 1, used: 0 },
    ]);
    // Lowered mid-round: the round already past the new weight ends at the next serve.
    db.exec("UPDATE group_settings SET weight = 2 WHERE grp = 'P'");
    bump();
    expect(turns()).toEqual([
      { grp: 'A', turn: 2, weight: 1, used: 0 },
      { grp: 'P', turn: 3, weight: 2, used: 0 },
    ]);
    // A stored count at weight 1 (settings removed mid-round) reads as 0, and the next serve restamps.
    bump();
    db.exec("DELETE FROM group_settings WHERE grp = 'P'");
    expect(turns()).toContainEqual({ grp: 'P', turn: 3, weight: 1, used: 0 });
    bump();
    expect(db.prepare("SELECT turn, used FROM group_turns WHERE grp = 'P'").get()).toEqual({ turn: 4, used: 0 });
    db.close();
  });

  it('lists settings in code-unit order, per queue, and setGroup creates a missing queue', async () => {
    const s = await open();
    // UTF-8 (BINARY) puts U+E000 before U+1F600; code units (JavaScript) put the surrogate pair first.
    for (const group of ['\uE000', '\u{1F600}', 'b', 'a']) await s.setGroup({ queue: 'q', group, settings: { weight: 2 }, now: T0 });
    await s.setGroup({ queue: 'q', group: 'a', settings: { weight: 5 }, now: T0 });
    await s.setGroup({ queue: 'q', group: 'b', settings: null, now: T0 });
    await s.setGroup({ queue: 'q', group: 'never-set', settings: null, now: T0 });
    expect(await s.listGroupSettings({ queue: 'q' })).toEqual([
      { group: 'a', weight: 5 },
      { group: '\u{1F600}', weight: 2 },
      { group: '\uE000', weight: 2 },
    ]);
    expect(await s.getQueue('q')).toMatchObject({ name: 'q', concurrency: null, paused: false });
    expect(await s.listGroupSettings({ queue: 'other' })).toEqual([]);
  });

  it('reads and writes weights by primary key, and turns in index order without a sort', () => {
    const db = migrated();
    expect(plan(db, 'turnBump')).toEqual([
      'SCAN CONSTANT ROW',
      'SEARCH group_settings USING PRIMARY KEY (queue=? AND grp=?)',
      'SEARCH group_turns USING PRIMARY KEY (queue=? AND grp=? AND priority=?)',
      'SCAN w',
      'SEARCH group_turns USING COVERING INDEX group_turns_order (queue=? AND priority=?)',
    ]);
    expect(plan(db, 'turnsAt')).toEqual([
      'SEARCH group_turns USING COVERING INDEX group_turns_order (queue=? AND priority=?)',
      'SEARCH s USING PRIMARY KEY (queue=? AND grp=?) LEFT-JOIN',
      'SEARCH u USING PRIMARY KEY (queue=? AND grp=? AND priority=?)',
    ]);
    expect(plan(db, 'listGroupSettings')).toEqual(['SEARCH group_settings USING PRIMARY KEY (queue=?)']);
    expect(plan(db, 'removeGroupSettings')).toEqual(['SEARCH group_settings USING PRIMARY KEY (queue=? AND grp=?)']);
    db.close();
  });
});
