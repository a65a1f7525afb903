/**
 * A producer stand-in: enqueues `count` jobs one at a time, racing other producers for the
 * queue's last free places, and records which adds were stored and which were refused.
 * Input: { descriptor, queue, count, now }.
 * Report: { added: JobId[], refused: Array<{ name, code, message }> }.
 * @internal
 */
import { randomUUID } from 'node:crypto';
import { openFromDescriptor, runChild } from './common.mjs';

await runChild({
  setup: async (input) => ({ input, storage: await openFromDescriptor(input.descriptor) }),
  close: ({ storage }) => storage.close(),
  run: async ({ input, storage }) => {
    const added = [];
    const refused = [];
    for (let i = 0; i < input.count; i++) {
      const job = {
        id: randomUUID(),
        name: 'race',
        payload: { i },
        priority: 2,
        runAt: input.now,
        maxAttempts: 1,
        backoff: null,
        timeoutMs: null,
        size: null,
        idempotencyKey: null,
        traceparent: null,
        webhook: null,
      };
      try {
        const r = await storage.enqueue({ queue: input.queue, jobs: [job], now: input.now });
        if (r.inserted[0] !== true) throw new Error(`enqueue of ${job.id} reported inserted=${r.inserted[0]}`);
        added.push(job.id);
      } catch (err) {
        refused.push({ name: err?.name ?? 'Error', code: err?.code ?? null, message: err?.message ?? String(err) });
      }
    }
    return { added, refused };
  },
});
