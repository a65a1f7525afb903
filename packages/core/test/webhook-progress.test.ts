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
