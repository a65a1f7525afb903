/**
 * Concurrency across processes: several forked children claim, settle and enqueue on one
 * database at once. No job is held by two children, the running count never passes the queue's
 * concurrency, and `maxSize` holds exactly under racing adds.
 * @internal
 */
import type { Storage, StorageDescriptor } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { runChildren } from '../children/fork.js';
import { requireCapability } from '../capabilities.js';
import { addMany, addQueue, listAll, nth, QUEUE, T0 } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

const CHILD_TIMEOUT_MS = 25_000;

interface ClaimLoopReport {
  claimed: string[];
  maxRunningSeen: number;
  timedOut: boolean;
}

interface AddLoopReport {
  added: string[];
  refused: Array<{ name: string; code: string | null; message: string }>;
}

/** Opens a migrated database shared with children; `use` gets an admin handle and the descriptor. */
async function withSharedDatabase(harness: StorageHarness, use: (admin: Storage, descriptor: StorageDescriptor) => Promise<void>): Promise<void> {
  const admin = await harness.open(await harness.freshDescriptor(), { migrate: true });
  try {
    await use(admin, admin.describe());
  } finally {
    await admin.close();
  }
}

/** Registers the multi-process area: racing claimers and producers in forked children. */
export function describeConcurrencyProcesses(harness: StorageHarness): void {
  describe('concurrency across processes', () => {
    requireCapability(harness, 'reopenable');
    it('children claiming at once never share a job and never pass the concurrency', async () => {
      await withSharedDatabase(harness, async (admin, descriptor) => {
        const concurrency = 2;
        await addQueue(admin, { concurrency });
        const jobs = await addMany(
          admin,
          Array.from({ length: 30 }, (_, i) => ({ payload: { i } })),
        );
        const inputs = ['child-a', 'child-b', 'child-c'].map((workerId) => ({
          descriptor,
          queue: QUEUE,
          workerId,
          now: T0 + 1,
          leaseMs: 600_000,
          holdMs: 2,
          deadlineMs: 20_000,
        }));
        const reports = await runChildren<ClaimLoopReport>('claim-loop.mjs', inputs, CHILD_TIMEOUT_MS);

        for (const r of reports) {
          expect(r.timedOut).toBe(false);
          expect(r.maxRunningSeen).toBeLessThanOrEqual(concurrency);
        }
        // No lease expires (now never moves), so a job claimed twice was held by two at once.
        const claimed = reports.flatMap((r) => r.claimed);
        expect(claimed).toHaveLength(jobs.length);
        expect(new Set(claimed)).toEqual(new Set(jobs.map((j) => j.id)));

        const claimedBy = new Map(reports.flatMap((r, i) => r.claimed.map((id) => [id, nth(inputs, i).workerId])));
        const final = await listAll(admin);
        expect(final.map((j) => j.state)).toEqual(jobs.map(() => 'completed'));
        for (const job of final) {
          const who = claimedBy.get(job.id);
          expect(job.workerId).toBe(who);
          expect(job.attempt).toBe(1);
          expect(job.result).toEqual({ workerId: who, runningSeen: expect.any(Number) });
          expect((job.result as { runningSeen: number }).runningSeen).toBeLessThanOrEqual(concurrency);
        }
      });
    }, 30_000);

    it('maxSize holds exactly when children race to fill the queue', async () => {
      await withSharedDatabase(harness, async (admin, descriptor) => {
        const maxSize = 10;
        await addQueue(admin, { maxSize });
        const inputs = Array.from({ length: 4 }, () => ({ descriptor, queue: QUEUE, count: 6, now: T0 }));
        const reports = await runChildren<AddLoopReport>('add-loop.mjs', inputs, CHILD_TIMEOUT_MS);

        const added = reports.flatMap((r) => r.added);
        const refused = reports.flatMap((r) => r.refused);
        expect(refused.filter((e) => e.code !== 'QUEUE_FULL')).toEqual([]);
        expect(added).toHaveLength(maxSize);
        expect(refused).toHaveLength(4 * 6 - maxSize);
        const stored = await listAll(admin);
        expect(new Set(stored.map((j) => j.id))).toEqual(new Set(added));
        expect(stored).toHaveLength(maxSize);
      });
    }, 30_000);
  });
}
