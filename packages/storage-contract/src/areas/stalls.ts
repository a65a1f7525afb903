/**
 * Contract area, live: what a `Worker`'s reclaim sweep does with a silent worker's jobs. A
 * forgiven stall runs the job again on the same attempt number; past the queue's `maxStalls` (a
 * stored `Queue` option) it fails with `LEASE_LOST`; a cancel request still wins; each stall emits
 * `job:stalled` saying where the job went. A sweeper that just lost the storage waits a lease
 * before trusting an expiry.
 */
import { Queue, StorageUnavailableError, ValidationError, type Storage } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { record, until, useLive } from '../live.js';

/** Leases `queue`'s next job to a worker that never renews it (a crashed one), for `leaseMs`. */
async function ghostClaim(storage: Storage, queue: string, leaseMs = 100): Promise<string> {
  const [job] = await storage.claim({ queue, workerId: 'ghost', limit: 1, leaseMs, now: Date.now() });
  if (!job) throw new Error('ghostClaim: nothing to claim');
  return job.id;
}

/** A storage whose first `reclaimExpired` call fails as an unreachable database would; `failedAt` says when. */
function unreachableOnce(storage: Storage): { storage: Storage; failedAt: () => number | undefined } {
  let failedAt: number | undefined;
  const proxy = new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop !== 'reclaimExpired') return value.bind(target);
      return (...args: unknown[]) => {
        if (failedAt !== undefined) return value.apply(target, args);
        failedAt = Date.now();
        return Promise.reject(new StorageUnavailableError('connection refused (injected)'));
      };
    },
  });
  return { storage: proxy, failedAt: () => failedAt };
}

/** Registers the stalls area. */
export function describeStalls(harness: StorageHarness): void {
  describe(`${harness.name}: stalls`, () => {
    const live = useLive(harness);

    it('a forgiven stall runs the job again on the same attempt, and says so in job:stalled and the record', async () => {
      const q = live.queue('stalled', { retry: { attempts: 2 } });
      const job = await q.add({});
      expect(await ghostClaim(live.storage(), 'stalled')).toBe(job.id);
      const stalled = record(q, 'job:stalled');
      live.worker(q, async (_j, { attempt }) => `rescued on attempt ${attempt}`, { leaseMs: 300 });
      await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('rescued on attempt 1');
      expect(stalled.map((e) => e.payload)).toEqual([{ queue: 'stalled', jobId: job.id, attempt: 1, state: 'queued', stalls: 1 }]);
      expect(await job.refresh()).toMatchObject({ state: 'completed', attempt: 1, stalls: 1, error: { code: 'LEASE_LOST', attempt: 1 } });
      expect((await job.status()).stalls).toBe(1);
    });

    it('maxStalls is a stored queue option; past it a one-attempt job fails with LEASE_LOST', async () => {
      const q = live.queue('strict', { maxStalls: 0 });
      expect(await q.ready()).toMatchObject({ maxStalls: 0 });
      const job = await q.add({});
      await ghostClaim(live.storage(), 'strict');
      const events = record(q, 'job:stalled', 'job:failed');
      const ran: string[] = [];
      live.worker(q, async (j) => void ran.push(j.id), { leaseMs: 300 });
      await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_FAILED' });
      await until(() => events.length === 2, 'job:stalled and job:failed');
      expect(events.map((e) => [e.event, e.payload])).toEqual([
        ['job:stalled', { queue: 'strict', jobId: job.id, attempt: 1, state: 'failed', stalls: 1 }],
        ['job:failed', { queue: 'strict', jobId: job.id, error: expect.objectContaining({ code: 'LEASE_LOST', attempt: 1 }) }],
      ]);
      expect(ran).toEqual([]);
      // Another handle on the queue, given no maxStalls, leaves the stored value alone.
      expect(await new Queue(live.storage(), 'strict').ready()).toMatchObject({ maxStalls: 0 });
    });

    it('refuses a maxStalls that is not a whole number from 0, writing nothing', async () => {
      for (const maxStalls of [-1, 1.5, Number.NaN, '1']) {
        let caught: unknown;
        try {
          new Queue(live.storage(), 'bad-stalls', { maxStalls: maxStalls as number });
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(ValidationError);
        expect((caught as ValidationError).path).toEqual(['options', 'maxStalls']);
      }
      expect(await live.storage().getQueue('bad-stalls')).toBeNull();
    });

    it('a cancel-requested job that stalls ends cancelled, with job:stalled then job:cancelled', async () => {
      const q = live.queue('stalled-cancel', { retry: { attempts: 3 } });
      const job = await q.add({});
      await ghostClaim(live.storage(), 'stalled-cancel', 200);
      expect((await q.cancel(job.id)).cancelRequested).toBe(true);
      const events = record(q, 'job:stalled', 'job:cancelled');
      live.worker(q, async () => 'never', { leaseMs: 300 });
      await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
      await until(() => events.length === 2, 'job:stalled and job:cancelled');
      expect(events.map((e) => [e.event, e.payload])).toEqual([
        ['job:stalled', { queue: 'stalled-cancel', jobId: job.id, attempt: 1, state: 'cancelled', stalls: 1 }],
        ['job:cancelled', { queue: 'stalled-cancel', jobId: job.id }],
      ]);
    });

    it('after its storage was unreachable, a worker reclaims nothing for one lease period', async () => {
      const leaseMs = 1_000;
      const { storage, failedAt } = unreachableOnce(live.storage());
      const q = new Queue(storage, 'outage');
      const job = await q.add({});
      await ghostClaim(live.storage(), 'outage');
      const stalled = record(q, 'job:stalled');
      live.worker(q, async () => 'after the hold', { leaseMs });
      await expect(job.finished({ timeoutMs: 10_000 })).resolves.toBe('after the hold');
      const failed = failedAt();
      expect(failed).toBeDefined();
      // Sweeps run every leaseMs / 2: without the hold the job would be back about then.
      expect(stalled.map((e) => (e.payload as { jobId: string }).jobId)).toEqual([job.id]);
      expect(stalled[0]?.at).toBeGreaterThanOrEqual((failed ?? 0) + leaseMs);
      expect(stalled[0]?.at).toBeLessThan((failed ?? 0) + 2 * leaseMs + 500);
    });
  });
}
