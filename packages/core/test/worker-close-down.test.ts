/**
 * `Worker.close()` while the storage is down: the handlers' grace, then a bounded time for the
 * last storage calls, not minutes of retried claims and settles.
 */
import { describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../src/errors.js';
import { MemoryStorage } from '../src/memory/memory-storage.js';
import { Queue } from '../src/queue.js';
import type { Storage } from '../src/storage.js';
import { Worker } from '../src/worker/worker.js';

/** `storage` whose every method, while `down.on`, fails after `ms` as an unreachable server does. */
function outage(storage: MemoryStorage, ms: number): { storage: Storage; down: { on: boolean } } {
  const down = { on: false };
  const proxied = new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        if (!down.on) return value.apply(target, args);
        return new Promise((_, reject) => setTimeout(() => reject(new StorageUnavailableError('storage "test" is unavailable: connect ECONNREFUSED')), ms));
      };
    },
  });
  return { storage: proxied as Storage, down };
}

describe('Worker.close() with the storage down', () => {
  it('returns within the grace and the last calls’ deadline, with a settle and a claim failing', async () => {
    const { storage, down } = outage(new MemoryStorage(), 500);
    const queue = new Queue(storage, 'q');
    let finish: () => void = () => undefined;
    const handled = new Promise<void>((r) => (finish = r));
    const worker = new Worker(queue, () => handled, { pollIntervalMs: 50, shutdownGraceMs: 500, heartbeat: 'main' });
    const errors: unknown[] = [];
    worker.on('error', (e) => errors.push(e));
    const job = await queue.add({ n: 1 });
    await expect.poll(async () => (await queue.getJob(job.id))?.state, { timeout: 5_000 }).toBe('running');
    down.on = true;
    finish(); // its settle fails: the outcome waits, retried, until the close gives up
    await new Promise((r) => setTimeout(r, 800));
    const started = Date.now();
    await worker.close();
    // Before: 125 s of retried claims, then retried settles (3 s now).
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(errors.some((e) => e instanceof StorageUnavailableError)).toBe(true);
  }, 30_000);
});
