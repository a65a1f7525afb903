/**
 * Progress deliveries on MemoryStorage with a clock that does not move: every coalesced send is
 * its own delivery, even when two reports carry the same time (a fast handler reports many times
 * in one millisecond; the trailing send must not be taken for a repeat of the leading one).
 */
import { afterEach, expect, it } from 'vitest';
import { ManualClock, MemoryStorage, Queue, Worker } from '../src/index.js';
import { WEBHOOK_QUEUE, type WebhookDeliveryJob } from '../src/webhooks/body.js';

const workers: Worker<never, never>[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close({ graceMs: 0 })));
});

async function progressDeliveries(storage: MemoryStorage): Promise<Array<number | null | undefined>> {
  const { items } = await storage.listJobs({ queue: WEBHOOK_QUEUE, limit: 100 });
  return items
    .map((j) => (j.payload as WebhookDeliveryJob).body)
    .filter((b) => b.event === 'progress')
    .map((b) => b.progress?.percent);
}

it('a trailing progress send with the same report time as the leading one is still delivered', async () => {
  const storage = await MemoryStorage.open({ clock: new ManualClock(1_700_000_000_000) });
  const queue = new Queue(storage, 'q', { webhook: { url: 'https://example.test/hook', events: ['progress'], progressIntervalMs: 20 } });
  let trailing = false;
  const worker = new Worker(queue, async (_job, ctx) => {
    for (const percent of [5, 50, 100]) await ctx.progress({ percent });
    const deadline = Date.now() + 5_000;
    while (!(await progressDeliveries(storage)).includes(100) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    trailing = (await progressDeliveries(storage)).includes(100);
    return 'done';
  });
  workers.push(worker as unknown as Worker<never, never>);
  const job = await queue.add({});
  await job.finished({ timeoutMs: 10_000 });
  expect(trailing).toBe(true);
  expect((await progressDeliveries(storage)).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([5, 100]);
});

/** Resolves once `check` holds; fails naming `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('a held-back report no outcome delivery carries is sent when the attempt ends: progress-only subscriptions and retries', async () => {
  const storage = new MemoryStorage();
  // A minute between sends: every report after the first is held back when the attempt ends.
  const queue = new Queue<{ fail: boolean }>(storage, 'q', { webhook: { url: 'https://example.test/hook', events: ['progress'], progressIntervalMs: 60_000 } });
  const worker = new Worker(queue, async (job, ctx) => {
    const base = job.payload.fail && ctx.attempt === 1 ? 0 : 10;
    for (const percent of [base + 1, base + 5, base + 50]) await ctx.progress({ percent });
    if (job.payload.fail && ctx.attempt === 1) throw new Error('first attempt fails');
    return 'done';
  });
  workers.push(worker as unknown as Worker<never, never>);
  // Completes: no `completed` delivery carries its last progress, so the held-back 60% is sent.
  const done = await queue.add({ fail: false });
  await done.finished({ timeoutMs: 10_000 });
  await until(async () => (await progressDeliveries(storage)).includes(60), 'the last progress of a completed job');
  // Retried: its first attempt's last report (50%) is not lost to the retry.
  const retried = await queue.add({ fail: true }, { attempts: 2, backoff: { kind: 'fixed', delayMs: 0 } });
  await retried.finished({ timeoutMs: 10_000 });
  await until(async () => (await progressDeliveries(storage)).includes(50), "the last progress of a retried job's first attempt");
  expect((await progressDeliveries(storage)).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 11, 11, 50, 60, 60]);
  // Sent once the attempt was over: a running job's report, with no position or ETA of the retry's wait.
  const { items } = await storage.listJobs({ queue: WEBHOOK_QUEUE, limit: 100 });
  const held = items.map((j) => (j.payload as WebhookDeliveryJob).body).filter((b) => b.progress?.percent === 50 || b.progress?.percent === 60);
  expect(held.map((b) => [b.state, b.position, b.eta])).toEqual(held.map(() => ['running', null, null]));
});
