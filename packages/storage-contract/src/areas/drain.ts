/**
 * Contract area: draining a queue (stop taking new jobs, finish what is queued and running).
 * The stored `draining` flag makes every add, on every handle, a `QueueDrainingError` that writes
 * nothing (checked in the storage's enqueue, with `maxSize`), while claims go on: a draining queue
 * is not paused. `queue.drain()` sets it and resolves once nothing is queued or running; the queue
 * stays draining until `resume()`. `whenIdle()` waits the same way and changes nothing.
 * @internal
 */
import { Queue, QueueDrainingError, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addQueue, claimOne, expectError, listAll, newJob, QUEUE, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { gate, sleep, until, useLive } from '../live.js';

/** Every job of the queue as (id, state), oldest first: what a refused add must leave as it was. */
async function jobsOf(s: Storage, queue = QUEUE): Promise<Array<[string, string]>> {
  return (await listAll(s, queue)).map((j) => [j.id, j.state]);
}

/** Both add paths of a storage (one job, a batch with an already used idempotency key) are refused. */
async function expectAddsRefused(s: Storage, keyTaken: string, now: number): Promise<void> {
  const one = await expectError(s.enqueue({ queue: QUEUE, jobs: [newJob({ runAt: now })], now }), QueueDrainingError, 'QUEUE_DRAINING');
  expect(one.queue).toBe(QUEUE);
  const batch = [newJob({ runAt: now }), newJob({ runAt: now + 1_000 }), newJob({ idempotencyKey: keyTaken, runAt: now })];
  await expectError(s.enqueue({ queue: QUEUE, jobs: batch, now }), QueueDrainingError, 'QUEUE_DRAINING');
}

function describeSeam(harness: StorageHarness): void {
  describe('draining (seam)', () => {
    const storage = useStorage(harness);

    it('draining is stored, kept by other upserts and cleared only when set false', async () => {
      const s = storage();
      expect(await addQueue(s)).toMatchObject({ draining: false });
      expect(await addQueue(s, { draining: true })).toEqual({ name: QUEUE, concurrency: null, maxSize: null, paused: false, maxStalls: 1, draining: true });
      expect(await addQueue(s, { concurrency: 2, paused: true })).toMatchObject({ concurrency: 2, paused: true, draining: true });
      expect(await addQueue(s, { paused: false })).toMatchObject({ paused: false, draining: true });
      expect(await s.getQueue(QUEUE)).toMatchObject({ draining: true });
      expect(await addQueue(s, { draining: false })).toMatchObject({ concurrency: 2, draining: false });
      expect(await s.getQueue(QUEUE)).toEqual({ name: QUEUE, concurrency: 2, maxSize: null, paused: false, maxStalls: 1, draining: false });
    });

    it('a draining queue refuses every enqueue and writes nothing, while its jobs are still claimed', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 10 });
      const keyed = await add(s, { idempotencyKey: 'k' });
      const other = await add(s);
      await addQueue(s, { draining: true }, T0 + 1);
      const before = await jobsOf(s);
      await expectAddsRefused(s, 'k', T0 + 2);
      expect(await jobsOf(s)).toEqual(before);
      // Not paused: both queued jobs are still handed out and settle.
      const first = await claimOne(s, { now: T0 + 3 });
      const second = await claimOne(s, { now: T0 + 3 });
      expect([first.id, second.id].sort()).toEqual([keyed.id, other.id].sort());
      await settleOk(s, first, T0 + 4);
      await settleOk(s, second, T0 + 4);
      expect((await listAll(s, QUEUE, ['completed'])).length).toBe(2);
      await addQueue(s, { draining: false }, T0 + 5);
      expect((await s.enqueue({ queue: QUEUE, jobs: [newJob({ runAt: T0 + 6 })], now: T0 + 6 })).inserted).toEqual([true]);
    });

    it('draining holds on every handle and survives reopening; another queue is not affected', async (ctx) => {
      const s = storage();
      if (!s.capabilities.reopenable) return ctx.skip();
      await addQueue(s);
      await addQueue(s, { name: 'other' });
      await addQueue(s, { draining: true });
      const second = await harness.open(s.describe());
      try {
        expect(await second.getQueue(QUEUE)).toMatchObject({ draining: true });
        await expectAddsRefused(second, 'none', T0 + 1);
        expect(await jobsOf(s)).toEqual([]);
        expect((await second.enqueue({ queue: 'other', jobs: [newJob()], now: T0 + 1 })).inserted).toEqual([true]);
        await second.upsertQueue({ name: QUEUE, draining: false, now: T0 + 2 });
        expect((await s.enqueue({ queue: QUEUE, jobs: [newJob()], now: T0 + 3 })).inserted).toEqual([true]);
      } finally {
        await second.close();
      }
    });
  });
}

/** Adds with `add` and `addBulk` are refused with QueueDrainingError; the queue's jobs are unchanged. */
async function expectQueueRefuses(q: Queue<{ n: number }> | Queue): Promise<void> {
  const before = (await q.listJobs({ order: 'asc' })).items.map((j) => j.id);
  const err = await expectError(q.add({ n: 99 }), QueueDrainingError, 'QUEUE_DRAINING');
  expect(err.queue).toBe(q.name);
  await expectError(q.addBulk([{ payload: { n: 100 } }, { payload: { n: 101 } }]), QueueDrainingError, 'QUEUE_DRAINING');
  expect((await q.listJobs({ order: 'asc' })).items.map((j) => j.id)).toEqual(before);
}

function describeQueueDrain(harness: StorageHarness): void {
  describe('draining (queue)', () => {
    const live = useLive(harness);

    it('drain() refuses adds at once, finishes queued, scheduled and running jobs, and stays draining until resume()', async () => {
      const q = live.queue<{ n: number }>('draining');
      const release = gate();
      const ran: number[] = [];
      await q.addBulk([{ payload: { n: 1 } }, { payload: { n: 2 } }, { payload: { n: 3 }, options: { delayMs: 400 } }]);
      live.worker(
        q,
        async (job) => {
          ran.push(job.payload.n);
          if (job.payload.n === 1) await release.promise;
        },
        { concurrency: 1 },
      );
      await until(async () => (await q.getStats()).counts.running === 1, 'the first job to run');
      let drained = false;
      const draining = q.drain({ timeoutMs: 10_000, pollMs: 50 }).then(() => {
        drained = true;
      });
      await until(async () => (await q.getConfig()).draining, 'the queue to be stored draining');
      await expectQueueRefuses(q);
      await sleep(100);
      expect(drained).toBe(false);
      release.open();
      await draining;
      expect(ran.sort()).toEqual([1, 2, 3]);
      expect((await q.getStats()).counts).toMatchObject({ queued: 0, running: 0, completed: 3 });
      expect(await q.getConfig()).toMatchObject({ draining: true, paused: false });
      await expectQueueRefuses(q);
      await q.resume();
      expect(await q.getConfig()).toMatchObject({ draining: false, paused: false });
      const job = await q.add({ n: 4 });
      await job.finished({ timeoutMs: 5_000 });
      expect(ran).toContain(4);
    });

    it('a queue drained on one handle refuses adds from a second handle on the same database', async (ctx) => {
      if (!live.storage().capabilities.reopenable) return ctx.skip();
      const q = live.queue('shared');
      await q.drain({ timeoutMs: 10_000 });
      const second = await harness.open(live.storage().describe());
      try {
        const elsewhere = new Queue(second, 'shared');
        await expectQueueRefuses(elsewhere);
        expect((await q.listJobs()).items).toEqual([]);
        await elsewhere.resume();
        expect((await q.getConfig()).draining).toBe(false);
        expect((await q.add({ n: 1 })).record.state).toBe('queued');
      } finally {
        await second.close();
      }
    });

    it('whenIdle() waits the same way and changes nothing; a paused queue still takes adds', async () => {
      const q = live.queue('idle');
      await q.pause();
      const queued = await q.add({ n: 1 });
      expect(queued.record.state).toBe('queued');
      await q.resume();
      live.worker(q, async () => 'ok');
      await q.whenIdle({ timeoutMs: 5_000 });
      expect((await q.getJob(queued.id))?.state).toBe('completed');
      expect(await q.getConfig()).toMatchObject({ draining: false, paused: false });
      expect((await q.add({ n: 2 })).record.state).toBe('queued');
    });
  });
}

function describeTransactional(harness: StorageHarness): void {
  describe('draining (transactional enqueue)', () => {
    const live = useLive(harness);
    const begin = (storage: Storage) => {
      if (!harness.beginTransaction) throw new Error('transactionalEnqueue is true but the harness has no beginTransaction');
      return harness.beginTransaction(storage);
    };

    it('an add inside a transaction is refused without breaking it', async (ctx) => {
      if (!live.storage().capabilities.transactionalEnqueue) ctx.skip();
      const q = live.queue('tx-refused');
      await q.drain({ timeoutMs: 10_000 });
      const t = await begin(live.storage());
      await expectError(q.add({ n: 1 }, { tx: t.tx }), QueueDrainingError, 'QUEUE_DRAINING');
      await t.check();
      const other = live.queue('tx-other');
      const job = await other.add({ n: 2 }, { tx: t.tx });
      await t.commit();
      expect((await other.getJob(job.id))?.state).toBe('queued');
      expect((await q.listJobs()).items).toEqual([]);
    });

    it('drain() waits for an add in an open transaction: the job is refused or run, never left behind', async (ctx) => {
      if (!live.storage().capabilities.transactionalEnqueue) ctx.skip();
      const q = live.queue('tx-fence');
      live.worker(q, async () => 'ok');
      const t = await begin(live.storage());
      const job = await q.add({ n: 1 }, { tx: t.tx });
      const draining = q.drain({ timeoutMs: 10_000, pollMs: 50 });
      await sleep(300);
      expect((await q.getConfig()).draining).toBe(false);
      await t.commit();
      await draining;
      expect((await q.getJob(job.id))?.state).toBe('completed');
      await expectQueueRefuses(q);
    });
  });
}

/** Registers the drain area: the stored flag on the seam, `Queue.drain`/`whenIdle`/`resume`, transactional adds. */
export function describeDrain(harness: StorageHarness): void {
  describeSeam(harness);
  describeQueueDrain(harness);
  describeTransactional(harness);
}
