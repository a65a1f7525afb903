/**
 * Contract area: webhooks delivered as jobs, end to end on a real storage and a real local HTTP
 * receiver. The process that moves a job (a worker's settle, `queue.cancel()`, the reclaim sweep)
 * enqueues a delivery job; `startWebhookDelivery` POSTs it signed, with the bearer token, retries
 * failed attempts (error status, no answer within the timeout) with backoff, stops at once on 410
 * Gone, and coalesces progress to at most one delivery per job and interval, the latest last.
 */
import {
  type JobRecord,
  type Queue,
  startWebhookDelivery,
  verifyWebhookSignature,
  type WaitlineEventMap,
  type WebhookDeliveryHandle,
  type WebhookDeliveryJob,
  type WebhookDeliveryOptions,
} from '@waitline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { FAST_WORKER, type Live, record, until, useLive } from '../live.js';
import { type Receiver, startReceiver } from '../receiver.js';

const SECRET = 'contract-webhook-secret-0123456789';

/** A receiver and delivery workers for each test, closed after it (before the storage). */
function useWebhooks(live: Live): { rx(): Receiver; deliver(options?: Partial<WebhookDeliveryOptions>): WebhookDeliveryHandle } {
  let receiver: Receiver | null = null;
  let handles: WebhookDeliveryHandle[] = [];
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  // Registered after useLive's hooks, so it runs before them: deliveries stop before the storage closes.
  afterEach(async () => {
    await Promise.all(handles.map((h) => h.close({ graceMs: 0 })));
    handles = [];
    await receiver?.close();
    receiver = null;
  });
  return {
    rx: () => receiver as Receiver,
    deliver(options = {}) {
      // A generous request timeout: the local receiver answers at once, but on a loaded machine a 2 s
      // one can time an answering request out, an extra attempt the tests below would miscount.
      const base: WebhookDeliveryOptions = { secret: SECRET, attempts: 3, backoff: { kind: 'fixed', delayMs: 50 }, timeoutMs: 10_000, worker: FAST_WORKER };
      const handle = startWebhookDelivery(live.storage(), { ...base, ...options });
      handle.worker.on('error', () => undefined);
      handles.push(handle);
      return handle;
    },
  };
}

/** Resolves once the delivery queue holds `count` jobs in `state`; returns them. */
async function deliveries(h: WebhookDeliveryHandle, state: 'completed' | 'failed', count: number): Promise<JobRecord[]> {
  let items: JobRecord[] = [];
  await until(
    async () => {
      items = (await h.queue.listJobs({ states: [state], limit: 100 })).items;
      return items.length >= count;
    },
    `${count} ${state} deliveries`,
    15_000,
  );
  return items;
}

/** The percents of the progress deliveries enqueued on the delivery queue, delivered or not. */
async function progressSends(h: WebhookDeliveryHandle): Promise<Array<number | null | undefined>> {
  const { items } = await h.queue.listJobs({ limit: 100 });
  return items
    .map((j) => (j.payload as WebhookDeliveryJob).body)
    .filter((b) => b.event === 'progress')
    .map((b) => b.progress?.percent);
}

/** Registers the webhook-delivery area. */
export function describeWebhookDelivery(harness: StorageHarness): void {
  describe(`${harness.name}: webhook delivery`, () => {
    const live = useLive(harness);
    const hooks = useWebhooks(live);

    it('a receiver failing twice gets the delivery on the 3rd attempt: same delivery id, signed in the body, with the bearer token', async () => {
      const rx = hooks.rx();
      rx.answer('/flaky', (n) => (n < 2 ? 500 : 204));
      const q = live.queue('wh-flaky');
      const job = await q.add({ secret: 'not sent' }, { webhook: { url: rx.url('/flaky'), token: 'tok-123', events: ['completed'] } });
      live.worker(q, async () => 'done');
      const d = hooks.deliver();
      const [delivery] = await deliveries(d, 'completed', 1);
      expect(delivery).toMatchObject({ attempt: 3, result: { status: 204 } });
      const got = rx.to('/flaky');
      expect(got).toHaveLength(3);
      expect(got.map((r) => r.headers['waitline-attempt'])).toEqual(['1', '2', '3']);
      for (const r of got) {
        expect(r.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer tok-123', 'waitline-event': 'completed' });
        expect(r.headers['waitline-delivery']).toBe(delivery?.id);
        const header = r.headers['waitline-signature'] as string;
        expect(verifyWebhookSignature({ secret: SECRET, header, body: r.raw })).toBe(true);
        expect(verifyWebhookSignature({ secret: `${SECRET}x`, header, body: r.raw })).toBe(false);
        expect(verifyWebhookSignature({ secret: SECRET, header, body: r.raw.replace('completed', 'failed') })).toBe(false);
        expect(r.body).toMatchObject({
          deliveryId: delivery?.id,
          event: 'completed',
          jobId: job.id,
          queue: q.name,
          state: 'completed',
          attempt: 1,
          error: null,
          position: null,
          eta: null,
        });
        expect(r.body).not.toHaveProperty('payload');
      }
    });

    it('a receiver that hangs past the timeout fails the attempt, and the retry delivers', async () => {
      const rx = hooks.rx();
      rx.answer('/slow', (n) => (n === 0 ? 'hang' : 200));
      const q = live.queue('wh-slow');
      await q.add({}, { webhook: { url: rx.url('/slow') } });
      live.worker(q, async () => 'done');
      // Long enough for the retry's answer on a loaded machine: only the hang may time out.
      const d = hooks.deliver({ timeoutMs: 3_000 });
      const retrying = record(d.queue, 'job:retrying');
      const [delivery] = await deliveries(d, 'completed', 1);
      expect(delivery?.attempt).toBe(2);
      expect(rx.to('/slow')).toHaveLength(2);
      expect(retrying.length).toBeGreaterThanOrEqual(1);
      const { error } = (retrying[0] as { payload: WaitlineEventMap['job:retrying'] }).payload;
      expect(error).toMatchObject({ code: 'WEBHOOK_DELIVERY', attempt: 1 });
      expect(error.message).toContain('no answer within 3000 ms');
    });

    it('410 Gone stops at once: exactly one request, the delivery failed without retry', async () => {
      const rx = hooks.rx();
      rx.answer('/gone', () => 410);
      const q = live.queue('wh-gone', { webhook: { url: rx.url('/gone'), events: ['failed'] } });
      const job = await q.add({});
      live.worker(q, async () => {
        throw new Error('broken');
      });
      const d = hooks.deliver({ attempts: 5 });
      const [delivery] = await deliveries(d, 'failed', 1);
      expect(delivery?.attempt).toBe(1);
      expect(delivery?.error).toMatchObject({ code: 'PERMANENT_JOB_ERROR' });
      expect(delivery?.error?.message).toContain('410');
      const got = rx.to('/gone');
      expect(got).toHaveLength(1);
      expect(got[0]?.body).toMatchObject({ event: 'failed', jobId: job.id, state: 'failed', error: { message: 'broken', attempt: 1 } });
    });

    it('coalesces progress: at most one delivery per interval, the latest percent last', async () => {
      const rx = hooks.rx();
      const intervalMs = 200;
      const q = live.queue('wh-progress', { webhook: { url: rx.url('/progress'), events: ['progress', 'completed'], progressIntervalMs: intervalMs } });
      let reportingMs = 0;
      live.worker(q, async (_job, ctx) => {
        const started = Date.now();
        for (let i = 1; i <= 20; i++) await ctx.progress({ percent: i * 5, stage: 'step' });
        reportingMs = Date.now() - started;
        // The settle drops a trailing send still pending (by design: completed carries the final
        // progress), so return only once the send of the last report is enqueued, however late.
        await until(async () => (await progressSends(d)).includes(100), 'the trailing progress send', 15_000);
        return 'done';
      });
      // A generous request timeout: on a loaded machine a 2 s one can fail every attempt of a delivery.
      const d = hooks.deliver({ timeoutMs: 10_000 });
      const job = await q.add({});
      await until(() => rx.to('/progress').some((r) => r.body.event === 'completed'), 'the completed delivery', 20_000);
      await until(() => rx.to('/progress').some((r) => r.body.progress?.percent === 100 && r.body.event === 'progress'), 'the trailing progress', 15_000);
      const progress = rx
        .to('/progress')
        .filter((r) => r.body.event === 'progress')
        .sort((a, b) => a.body.time - b.body.time);
      // One leading send, then at most one per interval that saw a report.
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress.length).toBeLessThanOrEqual(Math.ceil(reportingMs / intervalMs) + 2);
      expect(progress[0]?.body.progress?.percent).toBe(5);
      expect(progress.at(-1)?.body.progress?.percent).toBe(100);
      for (const r of progress) expect(r.body).toMatchObject({ jobId: job.id, state: 'running', position: null, attempt: 1 });
      const done = rx.to('/progress').find((r) => r.body.event === 'completed');
      expect(done?.body.progress?.percent).toBe(100);
      await d.close();
    });

    it('a queue default applies, a job option replaces it, and null turns it off', async () => {
      const rx = hooks.rx();
      const q = live.queue<{ n: number }>('wh-defaults', { webhook: { url: rx.url('/default'), events: ['completed'] } });
      const [a, b, c] = await q.addBulk([
        { payload: { n: 1 } },
        { payload: { n: 2 }, options: { webhook: { url: rx.url('/own'), includePayload: true } } },
        { payload: { n: 3 }, options: { webhook: null } },
      ]);
      live.worker(q, async () => 'done', { concurrency: 3 });
      const d = hooks.deliver();
      await deliveries(d, 'completed', 2);
      await q.whenIdle({ timeoutMs: 5_000 });
      expect(rx.to('/default').map((r) => r.body.jobId)).toEqual([a?.id]);
      expect(rx.to('/default')[0]?.body).not.toHaveProperty('payload');
      expect(rx.to('/own').map((r) => [r.body.event, r.body.jobId, r.body.payload])).toEqual([['completed', b?.id, { n: 2 }]]);
      const all = (await d.queue.listJobs({ limit: 100 })).items.map((j) => (j.payload as WebhookDeliveryJob).body.jobId);
      expect(all.sort()).toEqual([a?.id, b?.id].sort());
      expect(all).not.toContain(c?.id);
    });

    it('cancelling a queued job delivers cancelled once, even when cancelled twice', async () => {
      const rx = hooks.rx();
      const q = live.queue('wh-cancel', { webhook: { url: rx.url('/cancel') } });
      const job = await q.add({}, { delayMs: 60_000 });
      await q.cancel(job.id);
      await q.cancel(job.id);
      const d = hooks.deliver();
      expect((await d.queue.listJobs({ limit: 10 })).items).toHaveLength(1);
      await deliveries(d, 'completed', 1);
      expect(rx.to('/cancel').map((r) => r.body)).toMatchObject([{ event: 'cancelled', jobId: job.id, state: 'cancelled', attempt: 0, error: null }]);
    });

    it('a running job cancelled, and a stalled job the sweep fails, deliver their outcomes', async () => {
      const rx = hooks.rx();
      const q: Queue = live.queue('wh-sweep', { maxStalls: 0, webhook: { url: rx.url('/ends'), events: ['failed', 'cancelled'] } });
      const stalled = await q.add({ kind: 'stalled' });
      await live.storage().claim({ queue: q.name, now: q.clock.now(), workerId: 'gone-worker', limit: 1, leaseMs: 100 });
      const running = await q.add({ kind: 'running' });
      live.worker(q, (_job, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))));
      await until(async () => (await q.getJob(running.id))?.state === 'running', 'the job to run');
      await q.cancel(running.id);
      hooks.deliver();
      await until(() => rx.to('/ends').length >= 2, 'two deliveries', 15_000);
      const byJob = new Map(rx.to('/ends').map((r) => [r.body.jobId, r.body]));
      expect(byJob.get(running.id)).toMatchObject({ event: 'cancelled', state: 'cancelled', attempt: 1 });
      expect(byJob.get(stalled.id)).toMatchObject({ event: 'failed', state: 'failed', error: { code: 'LEASE_LOST' } });
    });
  });
}
