/**
 * Groups on Postgres (docs/design/groups.md, "Postgres"): a queue that never sees a group
 * writes no stamp and keeps grouped false, counts and cancels see grouped jobs, and randomised
 * checks that claims, positions and position inputs equal MemoryStorage's and agree with each
 * other while jobs arrive, retry and run. The shared behaviour is the contract's `groups` area
 * (contract.test.ts).
 */
import { type JobRecord, MemoryStorage, type NewJob, type Storage } from '@waitline/core';
import { newJob, T0 } from '@waitline/storage-contract';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../dist/index.js';
import { dropSchemas, freshSchema } from './harness.js';
import { PG_URL, RUN_PG_TESTS, withClient } from './server.js';

const schemas: string[] = [];
const opened: PostgresStorage[] = [];

async function fresh(): Promise<{ s: PostgresStorage; schema: string }> {
  const schema = freshSchema('grp');
  schemas.push(schema);
  const s = await PostgresStorage.open({ connectionString: PG_URL, schema, poolSize: 2 });
  opened.push(s);
  return { s, schema };
}

/** A seeded generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const add = async (s: Storage, jobs: NewJob[], now = T0) => (await s.enqueue({ queue: 'q', jobs, now })).jobs;
const claimNames = async (s: Storage, limit: number, now = T0) =>
  (await s.claim({ queue: 'q', workerId: 'w', limit, leaseMs: 60_000, now })).map((j) => j.name);
const named = (name: string, group: string | null, more: Partial<NewJob> = {}) => newJob({ name, group, ...more });
const GROUPS = [null, 'a', 'b', 'c'];

/** The stamps and the grouped flag of a schema's queue 'q'. */
async function turnsOf(schema: string): Promise<{ grouped: boolean | null; turns: Array<{ priority: number; grp: string }> }> {
  return withClient(async (c) => {
    const q = await c.query(`SELECT grouped FROM "${schema}".queues WHERE name = 'q'`);
    const t = await c.query(`SELECT priority, grp FROM "${schema}".group_turns WHERE queue = 'q' ORDER BY priority DESC, turn`);
    return { grouped: (q.rows[0]?.grouped as boolean | undefined) ?? null, turns: t.rows as Array<{ priority: number; grp: string }> };
  });
}

/** Every listed job's position at `now` agrees with its inputs; sorting by it lists 1..n. */
async function readyOrder(s: Storage, jobs: readonly JobRecord[], now: number): Promise<string[]> {
  const read = { queue: 'q', now, aheadListLimit: 200, aheadWorkLimit: 5, sampleLimit: 0, workerStaleMs: 1 };
  const placed: Array<{ name: string; position: number }> = [];
  for (const job of jobs) {
    const position = await s.getPosition({ queue: 'q', id: job.id, now });
    const inputs = await s.getPositionInputs({ ...read, id: job.id });
    expect(inputs?.ahead ?? null).toBe(position === null ? null : position - 1);
    if (position !== null) placed.push({ name: job.name, position });
  }
  placed.sort((a, b) => a.position - b.position);
  expect(placed.map((p) => p.position)).toEqual(placed.map((_, i) => i + 1));
  const order = placed.map((p) => p.name);
  for (const job of jobs) {
    const inputs = await s.getPositionInputs({ ...read, id: job.id });
    if (inputs === null || inputs.ahead === null) continue;
    // The same jobs; higher levels are listed by the plain ordering rule, so compare as sets.
    expect(inputs.aheadJobs?.map((j) => j.name).sort()).toEqual(order.slice(0, inputs.ahead).sort());
    expect(inputs.aheadWork.reduce((n, w) => n + w.count, 0)).toBe(inputs.aheadWorkOf);
  }
  return order;
}

afterAll(async () => {
  await Promise.allSettled(opened.map((s) => s.close()));
  await dropSchemas(schemas);
});

describe.runIf(RUN_PG_TESTS)('postgres groups', () => {
  it('a queue that never sees a group writes no stamp and keeps grouped false', async () => {
    const { s, schema } = await fresh();
    await add(s, [named('x', null), named('y', null, { runAt: T0 + 10 })]);
    await claimNames(s, 1);
    expect(await turnsOf(schema)).toEqual({ grouped: false, turns: [] });
  });

  it('the first grouped add stamps the ungrouped jobs first; a served group moves back or leaves', async () => {
    const { s, schema } = await fresh();
    await add(s, [named('u', null)]);
    await add(s, [named('a1', 'a'), named('a2', 'a', { runAt: T0 + 100 })]);
    expect(await turnsOf(schema)).toEqual({
      grouped: true,
      turns: [
        { priority: 2, grp: '' },
        { priority: 2, grp: 'a' },
      ],
    });
    expect(await claimNames(s, 2)).toEqual(['u', 'a1']);
    // The default group left with its last job; 'a' keeps a stamp for its delayed job.
    expect((await turnsOf(schema)).turns).toEqual([{ priority: 2, grp: 'a' }]);
  });

  it('a claim does not wait for an open transaction adding to the group it empties; the group goes to the back', async () => {
    const { s } = await fresh();
    await add(s, [named('a0', 'A')], T0);
    await add(s, [named('b0', 'B'), named('b1', 'B')], T0 + 1);
    await withClient(async (c) => {
      await c.query('BEGIN');
      await s.enqueue({ queue: 'q', jobs: [named('a1', 'A')], now: T0 + 2, tx: c });
      const blocked = new Promise<string[]>((done) => setTimeout(() => done(['blocked']), 5_000).unref());
      expect(await Promise.race([claimNames(s, 1, T0 + 3), blocked])).toEqual(['a0']);
      await c.query('COMMIT');
    });
    expect(await claimNames(s, 3, T0 + 4)).toEqual(['b0', 'a1', 'b1']);
  });

  it('counts and cancels see grouped jobs', async () => {
    const { s } = await fresh();
    const [a0, , u0] = await add(s, [named('a0', 'a'), named('a1', 'a', { runAt: T0 + 100 }), named('u0', null)]);
    const stats = await s.getStats({ queue: 'q', now: T0, windowsMs: [], sampleLimit: 0, workerStaleMs: 1 });
    expect(stats.counts).toMatchObject({ queued: 3, ready: 2, scheduled: 1 });
    await s.cancel({ queue: 'q', id: a0?.id ?? '', now: T0 });
    expect(await s.getPosition({ queue: 'q', id: u0?.id ?? '', now: T0 })).toBe(1);
    expect(await s.removeJobs({ queue: 'q', states: ['queued'], limit: 10 })).toBe(2);
    expect(await claimNames(s, 5, T0 + 1_000)).toEqual([]);
  });

  it('claims and positions equal those of MemoryStorage under adds, retries, cancels and priority changes (randomised)', async () => {
    for (let seed = 1; seed <= Number(process.env.GROUP_SEEDS ?? 8); seed++) {
      const { s } = await fresh();
      const pair: Storage[] = [s, new MemoryStorage()];
      const r = random(1_000 + seed);
      let now = T0;
      let n = 0;
      const ids: string[] = [];
      for (let step = 0; step < 8; step++) {
        const batch = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
          const name = `n${n++}`;
          ids.push(name);
          const runAt = now + ([0, 0, 5, 30][Math.floor(r() * 4)] ?? 0);
          return named(name, GROUPS[Math.floor(r() * 4)] ?? null, { id: name, priority: 1 + Math.floor(r() * 3), runAt });
        });
        const pick = ids[Math.floor(r() * ids.length)] ?? '';
        const act = r();
        const take = Math.floor(r() * 3);
        const retry = r() < 0.5;
        const results: string[][] = [];
        for (const st of pair) {
          await st.enqueue({ queue: 'q', jobs: batch, now });
          const job = await st.getJob({ queue: 'q', id: pick });
          if (job?.state === 'queued' && act < 0.2) await st.cancel({ queue: 'q', id: pick, now });
          if (job?.state === 'queued' && act > 0.7) await st.changePriority({ queue: 'q', id: pick, priority: 1 + (job.priority % 3) });
          const claimed = await st.claim({ queue: 'q', workerId: 'w', limit: take, leaseMs: 60_000, now: now + 10 });
          for (const c of claimed) {
            const error = { name: 'Error', message: 'x', attempt: c.attempt, at: now };
            const token = c.leaseToken ?? '';
            const settled = retry
              ? { failed: [{ id: c.id, leaseToken: token, error, retryAt: now + 11 }] }
              : { completed: [{ id: c.id, leaseToken: token, result: null }] };
            await st.settle({ queue: 'q', now: now + 10, ...settled });
          }
          const positions = await Promise.all(ids.map((id) => st.getPosition({ queue: 'q', id, now: now + 20 })));
          const read = { queue: 'q', now: now + 20, aheadListLimit: 3, aheadWorkLimit: 4, sampleLimit: 0, workerStaleMs: 1 };
          const inputs = await Promise.all(ids.map((id) => st.getPositionInputs({ ...read, id })));
          const ahead = inputs.map((i) => JSON.stringify([i?.ahead, i?.aheadJobs, i?.aheadWork, i?.aheadWorkOf]));
          results.push([...claimed.map((c) => c.id), '|', ...positions.map(String), '|', ...ahead]);
        }
        expect(results[0]).toEqual(results[1]);
        now += 10;
      }
      await s.close(); // the shared server's connections are few
    }
  }, 120_000);

  it('positions, inputs and claims agree while grouped jobs arrive, retry and run (randomised)', async () => {
    for (let seed = 1; seed <= Number(process.env.GROUP_SEEDS ?? 8); seed++) {
      const { s } = await fresh();
      const r = random(seed);
      let now = T0;
      let n = 0;
      const live: JobRecord[] = [];
      for (let step = 0; step < 8; step++) {
        const batch = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
          const runAt = now + ([0, 0, 5, 30][Math.floor(r() * 4)] ?? 0);
          return named(`n${n++}`, GROUPS[Math.floor(r() * 4)] ?? null, { priority: 1 + Math.floor(r() * 3), runAt });
        });
        live.push(...(await add(s, batch, now)));
        now += 10;
        const order = await readyOrder(s, live, now);
        const take = Math.floor(r() * 3);
        const claimed = await s.claim({ queue: 'q', workerId: 'w', limit: take, leaseMs: 60_000, now });
        expect(claimed.map((j) => j.name)).toEqual(order.slice(0, take));
        for (const job of claimed) {
          const token = job.leaseToken ?? '';
          const error = { name: 'Error', message: 'x', attempt: job.attempt, at: now };
          const retry = r() < 0.4;
          await s.settle({
            queue: 'q',
            now,
            failed: retry ? [{ id: job.id, leaseToken: token, error, retryAt: now + 1 }] : [],
            completed: retry ? [] : [{ id: job.id, leaseToken: token, result: null }],
          });
        }
        const states = await Promise.all(live.map((j) => s.getJob({ queue: 'q', id: j.id })));
        live.splice(0, live.length, ...states.filter((j): j is JobRecord => j !== null && j.state === 'queued'));
      }
      await s.close(); // the shared server's connections are few
    }
  }, 120_000);
});
