/**
 * `MemoryStorage`'s own promises beyond the shared contract (which it passes in
 * packages/storage-contract/test): copies out, strict duplicate-id and removeJobs rules, closing,
 * its clock, and enough speed for tests with thousands of jobs.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, MemoryStorage, type NewJob, Queue, StorageUnavailableError, ValidationError } from '../src/index.js';

const T0 = 1_700_000_000_000;
let counter = 0;

function newJob(overrides: Partial<NewJob> = {}): NewJob {
  counter += 1;
  return {
    id: `job-${counter}`,
    name: 'job',
    payload: { n: counter },
    priority: 2,
    runAt: T0,
    maxAttempts: 3,
    backoff: null,
    timeoutMs: null,
    size: null,
    idempotencyKey: null,
    traceparent: null,
    webhook: null,
    ...overrides,
  };
}

describe('MemoryStorage', () => {
  it('hands out copies: changing a returned record changes nothing stored', async () => {
    const s = await MemoryStorage.open();
    const { jobs } = await s.enqueue({ queue: 'q', jobs: [newJob({ payload: { list: [1, 2] } })], now: T0 });
    const added = jobs[0];
    if (!added) throw new Error('no job');
    (added.payload as { list: number[] }).list.push(3);
    added.state = 'completed';
    const [claimed] = await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1000, now: T0 });
    expect(claimed).toMatchObject({ id: added.id, state: 'running', payload: { list: [1, 2] } });
    if (!claimed) throw new Error('not claimed');
    claimed.leaseToken = 'forged';
    const progress = await s.reportProgress({
      ...claimed,
      leaseToken: (await s.getJob({ queue: 'q', id: added.id }))?.leaseToken ?? '',
      progress: { percent: 5, stage: null },
      now: T0,
    });
    (progress.progress as { percent: number }).percent = 99;
    expect((await s.getJob({ queue: 'q', id: added.id }))?.progress).toEqual({ percent: 5, stage: null, updatedAt: T0 });
    const config = await s.upsertQueue({ name: 'q', concurrency: 2, now: T0 });
    config.concurrency = 9;
    expect((await s.getQueue('q'))?.concurrency).toBe(2);
  });

  it('stores values as JSON carries them: undefined fields dropped, a Date as its ISO text', async () => {
    const s = await MemoryStorage.open();
    const at = new Date(T0);
    const { jobs } = await s.enqueue({ queue: 'q', jobs: [newJob({ payload: { at, gone: undefined } })], now: T0 });
    expect(jobs[0]?.payload).toEqual({ at: at.toISOString() });
    expect(Object.keys(jobs[0]?.payload as object)).toEqual(['at']);
  });

  it('refuses a repeated or stored job id with a ValidationError at path id, writing nothing', async () => {
    const s = await MemoryStorage.open();
    const stored = newJob();
    await s.enqueue({ queue: 'q', jobs: [stored], now: T0 });
    for (const jobs of [
      [newJob(), newJob({ id: stored.id })],
      [newJob({ id: 'twice' }), newJob({ id: 'twice' })],
    ]) {
      const err = await s.enqueue({ queue: 'other', jobs, now: T0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ code: 'VALIDATION', path: ['id'] });
    }
    expect((await s.listJobs({ queue: 'other', limit: 10 })).items).toEqual([]);
    expect(await s.getQueue('other')).toBeNull();
  });

  it('refuses removeJobs with running among the states with a ValidationError at path states, removing nothing', async () => {
    const s = await MemoryStorage.open();
    await s.enqueue({ queue: 'q', jobs: [newJob(), newJob()], now: T0 });
    await s.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1000, now: T0 });
    const states = ['queued', 'running'] as unknown as Array<'queued'>;
    const err = await s.removeJobs({ queue: 'q', states, limit: 1_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ code: 'VALIDATION', path: ['states'] });
    expect((await s.listJobs({ queue: 'q', limit: 10 })).items).toHaveLength(2);
  });

  it('after close every call fails with StorageUnavailableError; close is idempotent', async () => {
    const s = await MemoryStorage.open();
    await s.upsertQueue({ name: 'q', now: T0 });
    await s.close();
    await s.close();
    await expect(s.getQueue('q')).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(s.enqueue({ queue: 'q', jobs: [newJob()], now: T0 })).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await expect(s.migrate()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(MemoryStorage.fromDescriptor(s.describe().options)).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('gives its clock to every Queue on it, so delays run out when the test says', async () => {
    const clock = new ManualClock(T0);
    const s = await MemoryStorage.open({ clock });
    const q = new Queue(s, 'later');
    const job = await q.add({}, { delayMs: 60_000 });
    expect(job.record.runAt).toBe(T0 + 60_000);
    expect(await q.getPosition(job.id)).toBeNull();
    clock.advance(60_000);
    expect(await q.getPosition(job.id)).toBe(1);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(T0)).toThrow(RangeError);
  });

  it('adds, positions and drains 10,000 jobs in claim order', async () => {
    const s = await MemoryStorage.open();
    const jobs = Array.from({ length: 10_000 }, (_, i) => newJob({ priority: 1 + (i % 4), runAt: T0 + (i % 7) }));
    await s.enqueue({ queue: 'big', jobs, now: T0 });
    const expected = [...jobs].sort((a, b) => b.priority - a.priority || a.runAt - b.runAt || Number(a.id.slice(4)) - Number(b.id.slice(4)));
    for (const at of [0, 4_321, 9_999]) {
      expect(await s.getPosition({ queue: 'big', id: (expected[at] as NewJob).id, now: T0 + 10 })).toBe(at + 1);
    }
    const order: string[] = [];
    let claimed = await s.claim({ queue: 'big', workerId: 'w', limit: 10, leaseMs: 1000, now: T0 + 10 });
    while (claimed.length > 0) {
      order.push(...claimed.map((j) => j.id));
      const completed = claimed.map((j) => ({ id: j.id, leaseToken: j.leaseToken as string, result: null }));
      ({ claimed } = await s.settle({ queue: 'big', now: T0 + 20, completed, claim: { workerId: 'w', limit: 10, leaseMs: 1000 } }));
    }
    expect(order).toEqual(expected.map((j) => j.id));
    const stats = await s.getStats({ queue: 'big', now: T0 + 20, windowsMs: [60_000], sampleLimit: 10, workerStaleMs: 1000 });
    expect(stats.counts.completed).toBe(10_000);
    expect(stats.windows).toEqual([{ windowMs: 60_000, completed: 10_000, failed: 0 }]);
  });
});
