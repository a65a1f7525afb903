/**
 * Contract area: what an import file can and cannot do to a storage. A line's storage-local
 * fields (`seq`, the lease) never reach the stored job, so an imported job is claimed once and
 * sorts where its line put it; and `replace` never removes another queue's job to make room.
 * @internal
 */
import { exportJobs, importJobs, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { claim, QUEUE, T0 } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { useLive } from '../live.js';
import { wholeJob } from './import.js';

/** The header an export of `s` starts with. */
async function header(s: Storage): Promise<string> {
  for await (const line of exportJobs(s, { now: () => T0 })) return line;
  throw new Error('an export wrote no header');
}

const jobLine = (queue: string, fields: Record<string, unknown>) => JSON.stringify({ type: 'job', queue, ...wholeJob(), ...fields });

/** Registers the import-lines area. */
export function describeImportLines(harness: StorageHarness): void {
  describe('import lines', () => {
    const live = useLive(harness);

    it("ignores a line's storage-local fields: the job keeps its own seq, holds no lease and is claimed once", async () => {
      const s = live.storage();
      const local = { seq: 77, leaseToken: 'borrowed', workerId: 'w9', leaseExpiresAt: T0 + 60_000 };
      const lines = [jobLine(QUEUE, { id: 'a' }), jobLine(QUEUE, { id: 'b', ...local }), jobLine(QUEUE, { id: 'c' })];
      await importJobs(s, [await header(s), ...lines], { onConflict: 'fail', now: () => T0 });
      const b = await s.getJob({ queue: QUEUE, id: 'b' });
      expect(b).toMatchObject({ state: 'queued', leaseToken: null, workerId: null, leaseExpiresAt: null });
      expect(b?.seq).not.toBe(77);
      const claimed = await claim(s, { limit: 10 });
      expect(claimed.map((j) => j.id)).toEqual(['a', 'b', 'c']);
      expect(await claim(s, { limit: 10, now: T0 + 1 })).toEqual([]);
    });

    it("replace never removes another queue's job: the other queue keeps it whatever the storage's ids span", async () => {
      const s = live.storage();
      const head = await header(s);
      await importJobs(s, [head, jobLine('billing', { id: 'job-1', payload: { invoice: 42 } })], { onConflict: 'fail', now: () => T0 });
      const outcome = await importJobs(s, [head, jobLine('copy', { id: 'job-1', payload: { other: true } })], { onConflict: 'replace', now: () => T0 }).then(
        (summary) => summary,
        (err: unknown) => err,
      );
      expect(await s.getJob({ queue: 'billing', id: 'job-1' })).toMatchObject({ payload: { invoice: 42 } });
      // Ids unique across queues (SQL): the import stops, naming the other queue. Ids per queue (Redis): both jobs stand.
      if (outcome instanceof Error) {
        expect(outcome).toMatchObject({ reason: 'IMPORT_CONFLICT', cause: { conflict: { reason: 'other-queue', existingQueue: 'billing' } } });
        expect(await s.getJob({ queue: 'copy', id: 'job-1' })).toBeNull();
      } else {
        expect(outcome).toMatchObject({ jobs: 1, replaced: 0 });
        expect(await s.getJob({ queue: 'copy', id: 'job-1' })).toMatchObject({ payload: { other: true } });
      }
    });
  });
}
