/**
 * Queue and Worker on MemoryStorage with a hand-moved clock, every job state change checked
 * against `TRANSITIONS` by the transition recorder: add, claim, complete, retry after a failed
 * attempt, dead-lettering and retry by hand, cancel while queued and while running, a stalled
 * lease reclaimed, and a mixed run of many jobs. No server, no waiting out real delays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Handler,
  type JobState,
  ManualClock,
  MemoryStorage,
  PermanentJobError,
  Queue,
  type QueueOptions,
  recordTransitions,
  type Storage,
  type TransitionRecorder,
  Worker,
  type WorkerOptions,
} from '../src/index.js';

const T0 = 1_700_000_000_000;
const LEASE_MS = 200;

let workers: Worker<never, never>[] = [];
let recorder: TransitionRecorder | null = null;

afterEach(async () => {
  await Promise.all(workers.map((w) => w.close({ graceMs: 0 })));
  workers = [];
  recorder?.assertValid();
  recorder = null;
});

/** A storage on a manual clock, seen through a transition recorder, and a queue on it. */
async function setup<P = Record<string, unknown>, R = unknown>(options: QueueOptions<P> = {}) {
  const clock = new ManualClock(T0);
  const storage = await MemoryStorage.open({ clock });
  recorder = recordTransitions(storage);
  const queue = new Queue<P, R>(recorder.storage, 'q', options);
  return { clock, storage: recorder.storage, recorder, queue };
}

function work<P, R>(queue: Queue<P, R>, handler: Handler<P, R>, options: WorkerOptions = {}): Worker<P, R> {
  const w = new Worker(queue, handler, { pollIntervalMs: 10, leaseMs: LEASE_MS, shutdownGraceMs: 100, ...options });
  w.on('error', () => undefined);
  workers.push(w as unknown as Worker<never, never>);
  return w;
}

/** Resolves once `check` holds; fails after 5 s of real time. */
async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function stateOf(storage: Storage, id: string): Promise<JobState | undefined> {
  return (await storage.getJob({ queue: 'q', id }))?.state;
}

describe('Queue and Worker on MemoryStorage, every transition checked', () => {
  it('adds, claims and completes a job', async () => {
    const { queue, recorder: r } = await setup<{ n: number }, number>();
    work(queue, async (job) => job.payload.n * 2);
    const job = await queue.add({ n: 21 });
    await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe(42);
    expect(r.history(job.id)).toEqual(['queued', 'running', 'completed']);
    expect(await queue.getJob(job.id)).toMatchObject({ attempt: 1, result: 42, startedAt: T0, finishedAt: T0 });
  });

  it('a failed attempt waits out its backoff on the clock, then runs again', async () => {
    const { clock, queue, storage, recorder: r } = await setup({ retry: { attempts: 2, backoff: { kind: 'fixed', delayMs: 5_000 } } });
    let runs = 0;
    work(queue, async () => {
      runs += 1;
      if (runs === 1) throw new Error('first try fails');
      return 'second try';
    });
    const job = await queue.add({});
    await until(async () => (await storage.getJob({ queue: 'q', id: job.id }))?.attempt === 1 && (await stateOf(storage, job.id)) === 'queued', 'the retry');
    expect(await queue.getJob(job.id)).toMatchObject({ runAt: T0 + 5_000, error: { message: 'first try fails', attempt: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(1);
    clock.advance(5_000);
    await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('second try');
    expect(r.history(job.id)).toEqual(['queued', 'running', 'queued', 'running', 'completed']);
  });

  it('a job out of attempts is failed, and retry by hand runs it again', async () => {
    const { queue, recorder: r } = await setup({ retry: { attempts: 2 } });
    let healthy = false;
    work(queue, async () => {
      if (!healthy) throw new Error('down');
      return 'up';
    });
    const job = await queue.add({});
    await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_FAILED' });
    expect(await queue.getJob(job.id)).toMatchObject({ state: 'failed', attempt: 2 });
    healthy = true;
    expect(await queue.retry(job.id)).toMatchObject({ state: 'queued', attempt: 0, stalls: 0 });
    await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('up');
    expect(r.history(job.id)).toEqual(['queued', 'running', 'queued', 'running', 'failed', 'queued', 'running', 'completed']);
  });

  it('a permanent error skips the attempts left', async () => {
    const { queue, recorder: r } = await setup({ retry: { attempts: 5 } });
    work(queue, async () => {
      throw new PermanentJobError('never');
    });
    const job = await queue.add({});
    await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_FAILED' });
    expect(r.history(job.id)).toEqual(['queued', 'running', 'failed']);
  });

  it('cancels a queued job at once; retry by hand queues it again', async () => {
    const { clock, queue, recorder: r } = await setup();
    const job = await queue.add({}, { delayMs: 60_000 });
    expect(await queue.cancel(job.id)).toMatchObject({ state: 'cancelled', finishedAt: T0 });
    expect(await queue.retry(job.id)).toMatchObject({ state: 'queued', runAt: T0 });
    clock.advance(1);
    work(queue, async () => 'ran');
    await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('ran');
    expect(r.history(job.id)).toEqual(['queued', 'cancelled', 'queued', 'running', 'completed']);
  });

  it('cancels a running job through its signal', async () => {
    const { queue, storage, recorder: r } = await setup();
    work(queue, (_job, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    const job = await queue.add({});
    await until(async () => (await stateOf(storage, job.id)) === 'running', 'the claim');
    expect(await queue.cancel(job.id)).toMatchObject({ state: 'running', cancelRequested: true });
    await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    expect(r.history(job.id)).toEqual(['queued', 'running', 'cancelled']);
  });

  it('a lease its worker stopped renewing expires on the clock; the stall is forgiven and the job runs again', async () => {
    const { clock, queue, storage, recorder: r } = await setup();
    const job = await queue.add({});
    await storage.claim({ queue: 'q', workerId: 'crashed', limit: 1, leaseMs: LEASE_MS, now: clock.now() });
    const stalled: unknown[] = [];
    queue.on('job:stalled', (e) => stalled.push(e));
    work(queue, async () => 'rescued');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stateOf(storage, job.id)).toBe('running');
    clock.advance(LEASE_MS + 1);
    await expect(job.finished({ timeoutMs: 5_000 })).resolves.toBe('rescued');
    expect(await queue.getJob(job.id)).toMatchObject({ attempt: 1, stalls: 1, error: { code: 'LEASE_LOST', attempt: 1 } });
    expect(stalled).toEqual([expect.objectContaining({ jobId: job.id, state: 'queued', stalls: 1 })]);
    expect(r.history(job.id)).toEqual(['queued', 'running', 'queued', 'running', 'completed']);
  });

  it('past maxStalls a stalled one-attempt job fails with LEASE_LOST', async () => {
    const { clock, queue, storage, recorder: r } = await setup({ maxStalls: 0 });
    const job = await queue.add({});
    await queue.ready();
    await storage.claim({ queue: 'q', workerId: 'crashed', limit: 1, leaseMs: LEASE_MS, now: clock.now() });
    work(queue, async () => 'never runs');
    clock.advance(LEASE_MS + 1);
    await expect(job.finished({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOB_FAILED' });
    expect(await queue.getJob(job.id)).toMatchObject({ state: 'failed', stalls: 1, error: { code: 'LEASE_LOST' } });
    expect(r.history(job.id)).toEqual(['queued', 'running', 'failed']);
  });

  it('a mixed run of 200 jobs on 3 workers ends every job where its handler said, through allowed transitions only', async () => {
    const { queue, recorder: r } = await setup<{ kind: string }, string>({ concurrency: 5, retry: { attempts: 2 } });
    const tries = new Map<string, number>();
    const handler: Handler<{ kind: string }, string> = async (job, { signal }) => {
      tries.set(job.id, (tries.get(job.id) ?? 0) + 1);
      if (job.payload.kind === 'flaky' && tries.get(job.id) === 1) throw new Error('once');
      if (job.payload.kind === 'broken') throw new Error('always');
      if (job.payload.kind === 'permanent') throw new PermanentJobError('no');
      if (job.payload.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, 5));
      if (signal.aborted) throw signal.reason;
      return job.payload.kind;
    };
    for (let i = 0; i < 3; i++) work(queue, handler, { concurrency: 3 });
    const kinds = ['ok', 'flaky', 'broken', 'permanent', 'slow', 'cancel'];
    const jobs = await queue.addBulk(Array.from({ length: 200 }, (_, i) => ({ payload: { kind: kinds[i % kinds.length] as string } })));
    await Promise.all(jobs.filter((j) => j.record.payload.kind === 'cancel').map((j) => queue.cancel(j.id).catch(() => null)));
    await queue.whenIdle({ timeoutMs: 10_000 });
    const expected: Record<string, JobState> = { ok: 'completed', flaky: 'completed', broken: 'failed', permanent: 'failed', slow: 'completed' };
    for (const job of jobs) {
      const record = await queue.getJob(job.id);
      const kind = job.record.payload.kind;
      if (kind === 'cancel') expect(['cancelled', 'completed']).toContain(record?.state);
      else expect(record?.state, kind).toBe(expected[kind]);
    }
    expect(r.transitions.length).toBeGreaterThan(400);
  });
});

describe('recordTransitions', () => {
  it('flags a change TRANSITIONS does not allow, and assertValid throws naming it', async () => {
    const base = await MemoryStorage.open();
    const tampered = new Proxy(base, {
      get(target, prop, receiver) {
        if (prop === 'promote') return async (p: { queue: string; id: string }) => ({ ...(await target.getJob(p)), state: 'queued' });
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const seen: unknown[] = [];
    const rec = recordTransitions(tampered, { onViolation: (v) => seen.push(v) });
    const queue = new Queue(rec.storage, 'q');
    const job = await queue.add({});
    const [claimed] = await rec.storage.claim({ queue: 'q', workerId: 'w', limit: 1, leaseMs: 1_000, now: Date.now() });
    await rec.storage.settle({ queue: 'q', now: Date.now(), completed: [{ id: job.id, leaseToken: claimed?.leaseToken as string, result: null }] });
    expect(rec.violations).toEqual([]);
    await rec.storage.promote({ queue: 'q', id: job.id, now: Date.now() });
    expect(rec.violations).toEqual([{ id: job.id, queue: 'q', from: 'completed', to: 'queued', via: 'promote' }]);
    expect(seen).toEqual(rec.violations);
    expect(() => rec.assertValid()).toThrow(/completed -> queued via promote/);
    expect(rec.history(job.id)).toEqual(['queued', 'running', 'completed', 'queued']);
  });
});
