/**
 * Groups under random work (issue 14): adds in batches at three levels with delays, claims of
 * 0-2, retries, completions, cancels, priority changes and weights (1-3, set at the start and
 * changed midway). Each step, the storage's claims,
 * positions and position inputs must equal MemoryStorage's (the reference), and its positions
 * must number the ready jobs 1..n in the order the next claims take them. Seeded, so a failure
 * repeats; `GROUP_SEEDS` sets how many sequences run (default 8).
 * @internal
 */
import { type JobRecord, MemoryStorage, type NewJob, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { newJob, QUEUE, seededRandom as random, T0 } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

const GROUPS = [null, 'a', 'b', 'c'];
const SEEDS = Number(process.env.GROUP_SEEDS ?? 8);

/** One to four jobs named `n<k>` (also their ids), each at a random level and group, some delayed. */
function randomBatch(r: () => number, now: number, next: () => string): NewJob[] {
  return Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
    const name = next();
    const runAt = now + ([0, 0, 5, 30][Math.floor(r() * 4)] ?? 0);
    return newJob({ id: name, name, group: GROUPS[Math.floor(r() * 4)] ?? null, priority: 1 + Math.floor(r() * 3), runAt });
  });
}

/** Sets a group's weight (1 removes its settings). */
async function weigh(s: Storage, group: string, weight: number, now: number): Promise<void> {
  if (s.setGroup === undefined) throw new Error('a storage with the groups capability implements setGroup');
  await s.setGroup({ queue: QUEUE, group, settings: weight === 1 ? null : { weight }, now });
}

/** A random named group and a weight from 1 to 3. */
function randomWeight(r: () => number): [string, number] {
  return [GROUPS[1 + Math.floor(r() * 3)] ?? 'a', 1 + Math.floor(r() * 3)];
}

/** Settles claimed jobs: all failed with a retry, or all completed. */
async function settleAll(s: Storage, claimed: readonly JobRecord[], now: number, retry: boolean): Promise<void> {
  for (const c of claimed) {
    const token = c.leaseToken ?? '';
    const error = { name: 'Error', message: 'x', attempt: c.attempt, at: now };
    const settled = retry
      ? { failed: [{ id: c.id, leaseToken: token, error, retryAt: now + 1 }] }
      : { completed: [{ id: c.id, leaseToken: token, result: null }] };
    await s.settle({ queue: QUEUE, now, ...settled });
  }
}

/** One step on one storage; returns what it claimed and every job's position and inputs. */
async function step(
  s: Storage,
  batch: NewJob[],
  ids: readonly string[],
  act: { pick: string; roll: number; take: number; retry: boolean; weigh: [string, number] | null },
  now: number,
): Promise<string[]> {
  if (act.weigh !== null) await weigh(s, act.weigh[0], act.weigh[1], now);
  await s.enqueue({ queue: QUEUE, jobs: batch, now });
  const job = await s.getJob({ queue: QUEUE, id: act.pick });
  if (job?.state === 'queued' && act.roll < 0.2) await s.cancel({ queue: QUEUE, id: act.pick, now });
  if (job?.state === 'queued' && act.roll > 0.7) await s.changePriority({ queue: QUEUE, id: act.pick, priority: 1 + (job.priority % 3) });
  const claimed = await s.claim({ queue: QUEUE, workerId: 'w', limit: act.take, leaseMs: 60_000, now: now + 10 });
  await settleAll(s, claimed, now + 10, act.retry);
  const read = { queue: QUEUE, now: now + 20, aheadListLimit: 3, aheadWorkLimit: 4, dueAheadLimit: 100, sampleLimit: 0, workerStaleMs: 1 };
  const positions = await Promise.all(ids.map((id) => s.getPosition({ queue: QUEUE, id, now: now + 20 })));
  const inputs = await Promise.all(ids.map((id) => s.getPositionInputs({ ...read, id })));
  const ahead = inputs.map((i) => JSON.stringify([i?.ahead, i?.aheadJobs, i?.aheadWork, i?.aheadWorkOf]));
  return [...claimed.map((c) => c.id), '|', ...positions.map(String), '|', ...ahead];
}

/** Positions of the queued jobs number 1..n, and claiming them all takes them in that order. */
async function checkPositionsAreClaimOrder(s: Storage, ids: readonly string[], now: number): Promise<void> {
  const placed: Array<{ id: string; position: number }> = [];
  for (const id of ids) {
    const position = await s.getPosition({ queue: QUEUE, id, now });
    if (position !== null) placed.push({ id, position });
  }
  placed.sort((a, b) => a.position - b.position);
  expect(placed.map((p) => p.position)).toEqual(placed.map((_, i) => i + 1));
  const claimed = await s.claim({ queue: QUEUE, workerId: 'w', limit: placed.length + 1, leaseMs: 60_000, now });
  expect(claimed.map((c) => c.id)).toEqual(placed.map((p) => p.id));
}

/** Registers the randomised groups area. */
export function describeGroupsRandomised(harness: StorageHarness): void {
  describe('groups: randomised against MemoryStorage', () => {
    requireCapability(harness, 'groups');

    it('claims, positions and position inputs equal MemoryStorage’s under adds, retries, cancels and priority changes', async () => {
      for (let seed = 1; seed <= SEEDS; seed++) {
        const pair: Storage[] = [await harness.create(), new MemoryStorage()];
        try {
          const r = random(1_000 + seed);
          const ids: string[] = [];
          let now = T0;
          for (let g = 0; g < 3; g++) {
            const [group, weight] = randomWeight(r);
            for (const s of pair) await weigh(s, group, weight, now - 1);
          }
          for (let k = 0; k < 8; k++) {
            const batch = randomBatch(r, now, () => {
              const id = `n${ids.length}`;
              ids.push(id);
              return id;
            });
            const act = {
              pick: ids[Math.floor(r() * ids.length)] ?? '',
              roll: r(),
              take: Math.floor(r() * 3),
              retry: r() < 0.5,
              weigh: r() < 0.25 ? randomWeight(r) : null,
            };
            const results: string[][] = [];
            for (const s of pair) results.push(await step(s, batch, ids, act, now));
            expect({ seed, step: k, got: results[0] }).toEqual({ seed, step: k, got: results[1] });
            now += 10;
          }
          await checkPositionsAreClaimOrder(pair[0] as Storage, ids, now + 100);
        } finally {
          await Promise.all(pair.map((s) => s.close()));
        }
      }
    }, 180_000);
  });
}
