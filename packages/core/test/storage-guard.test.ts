import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStorage, observeStorageCalls, type StorageCall, StorageGuard, StorageUnavailableError, ValidationError } from '../src/index.js';

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function record(): StorageCall[] {
  const calls: StorageCall[] = [];
  stops.push(observeStorageCalls((c) => calls.push(c)));
  return calls;
}

describe('StorageGuard', () => {
  it('answers what the call answers, sync or async', async () => {
    const guard = new StorageGuard({ kind: 'test', name: 'the test storage' });
    expect(await guard.run('getQueue', () => 7)).toBe(7);
    expect(await guard.run('getQueue', async () => 8)).toBe(8);
  });

  it('runs the call synchronously, so a storage keeps the order calls were made in', () => {
    const guard = new StorageGuard({ kind: 'test', name: 'the test storage' });
    const order: string[] = [];
    void guard.run('enqueue', () => order.push('first'));
    order.push('after the call returned');
    expect(order).toEqual(['first', 'after the call returned']);
  });

  it('once closed, refuses every call before running it, naming the storage', async () => {
    const calls = record();
    const guard = new StorageGuard({ kind: 'test', name: 'the test storage' });
    expect(guard.close()).toBe(true);
    expect(guard.close()).toBe(false);
    let ran = false;
    const refused = guard.run('claim', () => {
      ran = true;
    });
    await expect(refused).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(refused).rejects.toThrow('the test storage is closed');
    expect(ran).toBe(false);
    expect(calls).toEqual([{ storage: 'test', operation: 'claim', durationMs: 0, error: expect.any(StorageUnavailableError) }]);
  });

  it('classifies what a call throws or rejects with, once', async () => {
    let classified = 0;
    const guard = new StorageGuard({
      kind: 'test',
      name: 'the test storage',
      classify: (err) => {
        classified += 1;
        return err instanceof Error && err.message === 'busy' ? new StorageUnavailableError('unavailable', { cause: err }) : err;
      },
    });
    await expect(
      guard.run('settle', () => {
        throw new Error('busy');
      }),
    ).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(guard.run('settle', async () => Promise.reject(new Error('other')))).rejects.toThrow('other');
    expect(classified).toBe(2);
  });

  it('reports each call with its duration, and the classified error of a failed one', async () => {
    const calls = record();
    const guard = new StorageGuard({ kind: 'test', name: 'the test storage', classify: () => new ValidationError('bad', [{ path: ['x'], message: 'bad' }]) });
    await guard.run('getStats', () => new Promise((resolve) => setTimeout(resolve, 20)));
    await guard.run('enqueue', () => Promise.reject(new Error('raw'))).catch(() => {});
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ storage: 'test', operation: 'getStats' });
    expect(calls[0]?.error).toBeUndefined();
    expect(calls[0]?.durationMs).toBeGreaterThanOrEqual(15);
    expect(calls[1]).toMatchObject({ storage: 'test', operation: 'enqueue' });
    expect(calls[1]?.error).toBeInstanceOf(ValidationError);
  });

  it('a throwing observer changes nothing, and an unsubscribed one hears nothing more', async () => {
    stops.push(
      observeStorageCalls(() => {
        throw new Error('observer bug');
      }),
    );
    const calls: StorageCall[] = [];
    const stop = observeStorageCalls((c) => calls.push(c));
    const guard = new StorageGuard({ kind: 'test', name: 'the test storage' });
    expect(await guard.run('listQueues', () => 'answer')).toBe('answer');
    stop();
    await guard.run('listQueues', () => 'again');
    expect(calls.map((c) => c.operation)).toEqual(['listQueues']);
  });

  it('MemoryStorage runs its calls through one: observed by kind, refused once closed', async () => {
    const calls = record();
    const storage = new MemoryStorage();
    await storage.listQueues();
    expect(calls).toEqual([expect.objectContaining({ storage: 'memory', operation: 'listQueues' })]);
    await storage.close();
    await expect(storage.listQueues()).rejects.toThrow('the MemoryStorage is closed');
  });
});
