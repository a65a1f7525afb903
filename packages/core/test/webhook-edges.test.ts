/**
 * Webhook edges on MemoryStorage: a second cancel of a cancelled job delivers nothing again (even
 * once the first delivery was cleared), values nested near the depth limit are still delivered
 * (the delivery's envelope adds depth of its own), and a body that is not the raw text or bytes
 * verifies as false instead of throwing.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStorage, Queue } from '../src/index.js';
import { MAX_JSON_DEPTH } from '../src/limits.js';
import { WEBHOOK_QUEUE, type WebhookDeliveryJob } from '../src/webhooks/body.js';
import { enqueueDelivery } from '../src/webhooks/outbox.js';
import { signWebhook, verifyWebhookSignature } from '../src/webhooks/signature.js';

const HOOK = { url: 'https://example.test/hook', token: 'secret-token' };

async function deliveries(storage: MemoryStorage): Promise<WebhookDeliveryJob[]> {
  const { items } = await storage.listJobs({ queue: WEBHOOK_QUEUE, limit: 100 });
  return items.map((j) => j.payload as WebhookDeliveryJob);
}

/** An object nested `depth` levels deep: { x: { x: ... 1 } }. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { x: 1 };
  for (let i = 1; i < depth; i++) value = { x: value };
  return value;
}

describe('webhook edges', () => {
  it('a job cancelled again delivers and emits nothing again, even after its first delivery was cleared', async () => {
    // A clock that moves 1 ms at every read: two cancels in one millisecond both count as the
    // transition (documented on Queue.cancel), which made this test fail about one run in four.
    let t = 1_700_000_000_000;
    const storage = new MemoryStorage({ clock: { now: () => ++t } });
    const queue = new Queue(storage, 'q', { webhook: HOOK });
    const cancelled: string[] = [];
    queue.on('job:cancelled', (e) => cancelled.push(e.jobId));
    const job = await queue.add({});
    await queue.cancel(job.id);
    await queue.cancel(job.id);
    expect((await deliveries(storage)).map((d) => d.event)).toEqual(['cancelled']);
    await new Queue(storage, WEBHOOK_QUEUE).clear();
    expect((await queue.cancel(job.id)).state).toBe('cancelled');
    expect(await deliveries(storage)).toEqual([]);
    expect(cancelled).toEqual([job.id]);
  });

  it('delivers a payload nested as deep as add() accepts, with includePayload', async () => {
    const storage = new MemoryStorage();
    const queue = new Queue(storage, 'q', { webhook: { ...HOOK, includePayload: true } });
    const job = await queue.add(nested(MAX_JSON_DEPTH - 1));
    const record = await storage.getJob({ queue: 'q', id: job.id });
    await enqueueDelivery(
      storage,
      { ...record!, state: 'completed', finishedAt: record!.createdAt + 1, startedAt: record!.createdAt },
      'completed',
      record!.createdAt + 1,
    );
    const [delivery] = await deliveries(storage);
    expect(delivery?.body.payload).toEqual(nested(MAX_JSON_DEPTH - 1));
  });

  it('verifies a body that is not the raw text or bytes as false, never throwing', () => {
    const t = 1_700_000_000_000;
    const header = signWebhook('s3cret', t, '{"a":1}');
    for (const body of [undefined, null, { a: 1 }, new ArrayBuffer(7), 42]) {
      expect(verifyWebhookSignature({ secret: 's3cret', header, body: body as never, now: t })).toBe(false);
    }
  });
});
