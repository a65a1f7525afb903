/**
 * Retry by hand counts as an add: it puts a finished job back among the waiting ones, so a
 * draining queue, a full queue (`maxSize`) and a full group (`groupMaxWaiting`) refuse it with the
 * add's typed error, checked in the same atomic step as the write, and nothing is written.
 * @internal
 */
import { GroupFullError, type JobRecord, QueueDrainingError, QueueFullError, type Storage, type WaitlineErrorCode } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import { add, addQueue, claimOne, expectError, nth, QUEUE, reread, settleFail, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** `count` jobs (of `group` when given) that ran once and failed, in order. */
async function failedJobs(s: Storage, count: number, group?: string): Promise<JobRecord[]> {
  const failed: JobRecord[] = [];
  for (let n = 0; n < count; n++) {
    const job = await add(s, { maxAttempts: 1, ...(group === undefined ? {} : { group }) }, { now: T0 + n });
    const claimed = await claimOne(s, { now: T0 + n });
    expect(claimed.id).toBe(job.id);
    failed.push(await settleFail(s, claimed, T0 + n, null));
  }
  return failed;
}

/** Retries `job` at T0 + 1,000 and expects `type` with `code` and the retry's path, the job unchanged. */
async function expectRefused<E extends Error>(s: Storage, job: JobRecord, type: abstract new (...args: never[]) => E, code: WaitlineErrorCode): Promise<E> {
  const before = await reread(s, job);
  const err = await expectError(s.retry({ queue: job.queue, id: job.id, now: T0 + 1_000 }), type, code);
  expect(await reread(s, job)).toEqual(before);
  return err;
}

/** Registers the retry admission area: draining, `maxSize`, `groupMaxWaiting`, and a race for the last place. */
export function describeRetryAdmission(harness: StorageHarness): void {
  describe('retry by hand is admitted as an add', () => {
    const storage = useStorage(harness);

    it('a draining queue refuses it with QueueDrainingError; after resume it goes through', async () => {
      const s = storage();
      await addQueue(s);
      const failed = nth(await failedJobs(s, 1), 0);
      await addQueue(s, { draining: true });
      await expectRefused(s, failed, QueueDrainingError, 'QUEUE_DRAINING');
      await addQueue(s, { draining: false });
      expect((await s.retry({ queue: QUEUE, id: failed.id, now: T0 + 2_000 })).state).toBe('queued');
    });

    it('a full queue refuses it with QueueFullError at path ["id"]; once a place frees it goes through', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 2 });
      const failed = await failedJobs(s, 2);
      const [a, b] = [nth(failed, 0), nth(failed, 1)];
      await add(s, {}, { now: T0 + 10 }); // ready
      expect((await s.retry({ queue: QUEUE, id: a.id, now: T0 + 20, runAt: T0 + 60_000 })).state).toBe('queued'); // scheduled: counts too
      const err = await expectRefused(s, b, QueueFullError, 'QUEUE_FULL');
      expect([err.maxSize, err.path]).toEqual([2, ['id']]);
      await claimOne(s, { now: T0 + 30 });
      expect((await s.retry({ queue: QUEUE, id: b.id, now: T0 + 40 })).state).toBe('queued');
    });

    it('two retries racing for the last place: exactly one goes through', async () => {
      const s = storage();
      await addQueue(s, { maxSize: 1 });
      const jobs = await failedJobs(s, 2);
      const outcomes = await Promise.allSettled(jobs.map((j) => s.retry({ queue: QUEUE, id: j.id, now: T0 + 100 })));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected');
      expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(QueueFullError);
      expect((await Promise.all(jobs.map((j) => reread(s, j)))).map((j) => j.state).sort()).toEqual(['failed', 'queued']);
    });
  });

  describe('retry by hand is admitted as an add: groups', () => {
    requireCapability(harness, 'groups');
    const storage = useStorage(harness);

    it("a full group refuses it with GroupFullError; another group's job goes through", async () => {
      const s = storage();
      await addQueue(s, { groupMaxWaiting: 1 });
      const a = nth(await failedJobs(s, 1, 'A'), 0);
      const b = nth(await failedJobs(s, 1, 'B'), 0);
      await add(s, { group: 'A' }, { now: T0 + 10 });
      const err = await expectRefused(s, a, GroupFullError, 'GROUP_FULL');
      expect([err.group, err.maxWaiting, err.path]).toEqual(['A', 1, ['id']]);
      expect((await s.retry({ queue: QUEUE, id: b.id, now: T0 + 20 })).state).toBe('queued');
    });
  });
}
