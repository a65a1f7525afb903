/**
 * After a storage reports a reset, every live `Queue` that had stored its configuration writes it
 * again from its options; a queue object nobody holds is not kept alive by its reset listener.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Queue, StorageResetError, type Storage, type UpsertQueueParams } from '../src/index.js';

type ResetListener = (err: StorageResetError) => unknown;

/** Just what `Queue` touches to store its configuration, with a reset the test can fire. */
function fakeStorage() {
  const upserts: UpsertQueueParams[] = [];
  const listeners = new Set<ResetListener>();
  const storage = {
    capabilities: { crossProcessEvents: false, transactionalEnqueue: false, reopenable: false },
    upsertQueue: async (p: UpsertQueueParams) => {
      upserts.push(p);
      return { name: p.name, concurrency: p.concurrency ?? null, maxSize: p.maxSize ?? null, paused: p.paused ?? false };
    },
    notifier: {
      publish: () => undefined,
      subscribe: () => () => undefined,
      onReset: (listener: ResetListener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
  // The other seam methods Queue checks for exist, and must not be called.
  const untouched = (name: string) => () => {
    throw new Error(`the reset path must not call storage.${name}`);
  };
  const methods = ['enqueue', 'claim', 'settle', 'getJob', 'listJobs', 'removeJobs', 'close'];
  const full = { ...storage, ...Object.fromEntries(methods.map((m) => [m, untouched(m)])) } as unknown as Storage;
  const reset = () => Promise.all([...listeners].map((l) => l(new StorageResetError('wiped'))));
  return { storage: full, upserts, listeners, reset };
}

describe('Queue after a storage reset', () => {
  it('writes concurrency and maxSize from its options again, and only those', async () => {
    const { storage, upserts, reset } = fakeStorage();
    const queue = new Queue(storage, 'q', { concurrency: 3, maxSize: 50 });
    await queue.ready();
    await queue.ready();
    await queue.pause();
    expect(upserts.map(({ now: _, ...p }) => p)).toEqual([
      { name: 'q', concurrency: 3, maxSize: 50 },
      { name: 'q', paused: true },
    ]);
    await reset();
    expect(upserts.slice(2).map(({ now: _, ...p }) => p)).toEqual([{ name: 'q', concurrency: 3, maxSize: 50 }]);
    await reset();
    expect(upserts).toHaveLength(4);
  });

  it('listens only once it has stored its configuration, once per queue object', async () => {
    const { storage, listeners } = fakeStorage();
    const queue = new Queue(storage, 'q', { concurrency: 1 });
    expect(listeners.size).toBe(0);
    await queue.ready();
    await queue.restoreConfig();
    expect(listeners.size).toBe(1);
  });

  it('does not keep a queue nobody holds alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { storage, listeners } = fakeStorage();
    await (async () => {
      for (let i = 0; i < 5; i++) await new Queue(storage, `q${i}`, { concurrency: 1 }).ready();
    })();
    expect(listeners.size).toBe(5);
    for (let i = 0; i < 50 && listeners.size > 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(listeners.size).toBe(0);
  });
});
