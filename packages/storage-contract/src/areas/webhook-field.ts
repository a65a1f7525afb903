/**
 * Contract area: a job's `webhook` subscription is stored with the job and read back exactly by
 * every read and transition (enqueue's record, getJob, list, claim, settle, cancel, reclaim,
 * retry, an idempotent re-add), and a job without one reads back null. The processes that move a
 * job to a new state rely on it to enqueue the job's webhook deliveries.
 */
import type { JobRecord, WebhookSubscription } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { add, addMany, claimOne, LEASE_MS, listAll, newJob, reread, settleFail, settleOk, T0, useStorage } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';

/** A subscription using every field, with text a storage could mangle (quotes, non-ASCII in the URL). */
const FULL: WebhookSubscription = {
  url: 'https://hooks.example.test/ünïcode/path?q="x"&n=1#frag',
  events: ['progress', 'completed', 'failed', 'cancelled'],
  token: 'tok-"quoted"-\\-~',
  includePayload: true,
  progressIntervalMs: 1_234,
};
const PLAIN: WebhookSubscription = { url: 'http://127.0.0.1:9/hook', events: ['failed'], token: null, includePayload: false, progressIntervalMs: 5_000 };

/** Registers the webhook-field area. */
export function describeWebhookField(harness: StorageHarness): void {
  describe(`${harness.name}: the webhook field`, () => {
    const storage = useStorage(harness);

    it('round-trips through enqueue, reads, claim and settle; a job without one reads null', async () => {
      const s = storage();
      const [full, plain, none] = await addMany(s, [{ webhook: FULL }, { webhook: PLAIN }, {}]);
      expect([full?.webhook, plain?.webhook, none?.webhook]).toStrictEqual([FULL, PLAIN, null]);
      for (const [rec, want] of [
        [full, FULL],
        [plain, PLAIN],
        [none, null],
      ] as const) {
        expect((await reread(s, (rec as JobRecord).id)).webhook).toStrictEqual(want);
      }
      const listed = new Map((await listAll(s)).map((j) => [j.id, j.webhook]));
      expect(listed.get((full as JobRecord).id)).toStrictEqual(FULL);
      const claimed = await claimOne(s);
      expect(claimed.webhook).toStrictEqual(FULL);
      expect((await settleOk(s, claimed, T0 + 1)).webhook).toStrictEqual(FULL);
    });

    it('is kept by a failed settle, a retry by hand, a cancel and a reclaim', async () => {
      const s = storage();
      const job = await add(s, { webhook: PLAIN, maxAttempts: 1 });
      const failed = await settleFail(s, await claimOne(s), T0 + 1, null);
      expect(failed.state).toBe('failed');
      expect(failed.webhook).toStrictEqual(PLAIN);
      const retried = await s.retry({ queue: failed.queue, id: job.id, now: T0 + 2 });
      expect(retried.webhook).toStrictEqual(PLAIN);
      await claimOne(s, { now: T0 + 3 });
      const error = { name: 'LeaseExpiredError', message: 'gone', code: 'LEASE_LOST' };
      const [reclaimed] = await s.reclaimExpired({ queue: job.queue, now: T0 + 3 + LEASE_MS + 1, error });
      expect(reclaimed?.webhook).toStrictEqual(PLAIN);
      const cancelled = await s.cancel({ queue: job.queue, id: job.id, now: T0 + LEASE_MS + 10 });
      expect(cancelled.webhook).toStrictEqual(PLAIN);
    });

    it('an idempotent re-add returns the stored subscription, not the new one', async () => {
      const s = storage();
      const first = await add(s, { idempotencyKey: 'same', webhook: FULL });
      const { jobs, inserted } = await s.enqueue({ queue: first.queue, jobs: [newJob({ idempotencyKey: 'same', webhook: PLAIN })], now: T0 });
      const again = jobs[0] as JobRecord;
      expect(inserted).toEqual([false]);
      expect(again.id).toBe(first.id);
      expect(again.webhook).toStrictEqual(FULL);
      expect((await reread(s, first)).webhook).toStrictEqual(FULL);
      expect(newJob().webhook).toBeNull();
    });
  });
}
