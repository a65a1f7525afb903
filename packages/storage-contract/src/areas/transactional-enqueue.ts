/**
 * Contract area: adding jobs inside the caller's own transaction (`queue.add(payload, { tx })`).
 * A storage with `capabilities.transactionalEnqueue` writes the job in that transaction: nobody
 * sees or runs it before the commit, a rollback leaves nothing, the commit wakes idle workers, and
 * a full queue is a `QueueFullError` that leaves the transaction usable. A storage without the
 * capability refuses `tx` with a `ValidationError` and writes nothing.
 */
import { QueueFullError, ValidationError } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { expectError } from '../fixtures.js';
import type { HarnessTransaction, StorageHarness } from '../harness.js';
import { sleep, until, useLive } from '../live.js';

/** Registers the transactional enqueue area. */
export function describeTransactionalEnqueue(harness: StorageHarness): void {
  describe(`${harness.name}: transactional enqueue`, () => {
    const live = useLive(harness);
    const supported = () => live.storage().capabilities.transactionalEnqueue;
    const begin = (): Promise<HarnessTransaction> => {
      if (!harness.beginTransaction) throw new Error('transactionalEnqueue is true but the harness has no beginTransaction');
      return harness.beginTransaction(live.storage());
    };

    it('a storage without the capability refuses tx with a ValidationError and writes nothing', async (ctx) => {
      if (supported()) ctx.skip();
      const q = live.queue();
      const err = await expectError(q.add({ n: 1 }, { tx: {} }), ValidationError, 'VALIDATION');
      expect(err.path).toEqual(['options', 'tx']);
      expect((await q.listJobs()).items).toHaveLength(0);
    });

    it('a job added in a transaction is invisible until commit, and gone after a rollback', async (ctx) => {
      if (!supported()) ctx.skip();
      const q = live.queue();
      const t1 = await begin();
      const kept = await q.add({ n: 1 }, { tx: t1.tx });
      expect(await q.getJob(kept.id)).toBeNull();
      expect(await live.storage().claim({ queue: q.name, workerId: 'w', limit: 10, leaseMs: 1_000, now: Date.now() })).toEqual([]);
      await t1.commit();
      expect((await q.getJob(kept.id))?.state).toBe('queued');

      const t2 = await begin();
      const dropped = await q.addBulk([{ payload: { n: 2 } }, { payload: { n: 3 } }], { tx: t2.tx });
      expect(dropped).toHaveLength(2);
      await t2.rollback();
      for (const job of dropped) expect(await q.getJob(job.id)).toBeNull();
      expect((await q.listJobs()).items.map((j) => j.id)).toEqual([kept.id]);
    });

    it('an idle worker runs the job only after the commit, woken well before its next poll', async (ctx) => {
      if (!supported()) ctx.skip();
      const q = live.queue();
      const started: number[] = [];
      live.worker(
        q,
        async () => {
          started.push(Date.now());
        },
        { pollIntervalMs: 10_000 },
      );
      await sleep(200); // the worker is idle and subscribed
      const t = await begin();
      const job = await q.add({ n: 1 }, { tx: t.tx });
      await sleep(300);
      expect(started).toHaveLength(0);
      const committedAt = Date.now();
      await t.commit();
      await until(async () => (await q.getJob(job.id))?.state === 'completed', 'the committed job to complete', 10_000);
      // Half the 10 s poll: woken by the commit's notice, with room for a loaded machine.
      expect((started[0] ?? Number.POSITIVE_INFINITY) - committedAt).toBeLessThan(5_000);
    });

    it('a full queue is a QueueFullError that leaves the transaction usable', async (ctx) => {
      if (!supported()) ctx.skip();
      const q = live.queue(undefined, { maxSize: 1 });
      await q.add({ n: 1 });
      const t = await begin();
      await expectError(q.add({ n: 2 }, { tx: t.tx }), QueueFullError, 'QUEUE_FULL');
      await t.check();
      const other = live.queue();
      const job = await other.add({ n: 3 }, { tx: t.tx });
      await t.commit();
      expect((await other.getJob(job.id))?.state).toBe('queued');
      expect((await q.listJobs()).items).toHaveLength(1);
    });
  });
}
