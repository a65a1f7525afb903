/**
 * Contract area: errors never stop a worker and never vanish. A settle the storage rejects for
 * good fails that one job (SETTLE_REJECTED in its record) while the worker goes on; an error with
 * no `error` listener reaches the worker's logger.
 */
import { type Logger, Queue, type SettleParams, SettleRejectedError, type Storage, Worker } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { FAST_WORKER, until, useLive } from '../live.js';

/** The storage, except that every settle naming one of `poisoned` throws a plain (non-transient) error. */
function refusingSettlesOf(real: Storage, poisoned: Set<string>, refuseFailsToo: boolean): Storage {
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop === 'settle') {
        return (p: SettleParams) => {
          const named = [...(p.completed ?? []), ...(refuseFailsToo ? (p.failed ?? []) : [])].some((i) => poisoned.has(i.id));
          if (named) return Promise.reject(new RangeError('value out of range for this column'));
          return target.settle(p);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Registers the worker-errors area. */
export function describeWorkerErrors(harness: StorageHarness): void {
  describe(`${harness.name}: worker errors`, () => {
    const live = useLive(harness);

    it('a settle the storage rejects for good fails that job with SETTLE_REJECTED, and the next 10 jobs run', async () => {
      const poisoned = new Set<string>();
      const q = new Queue<{ n: number }>(refusingSettlesOf(live.storage(), poisoned, false), 'rejected-settle');
      const bad = await q.add({ n: 0 });
      poisoned.add(bad.id);
      const good = await q.addBulk(Array.from({ length: 10 }, (_, i) => ({ payload: { n: i + 1 } })));
      const errors: Error[] = [];
      const w = live.worker(q, async (job) => job.payload.n, { concurrency: 2 });
      w.on('error', (e) => errors.push(e));
      await expect(bad.finished({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'JOB_FAILED' });
      const results = await Promise.all(good.map((j) => j.finished({ timeoutMs: 10_000 })));
      expect(results).toEqual(good.map((_, i) => i + 1));
      const record = await bad.refresh();
      expect(record?.state).toBe('failed');
      expect(record?.error).toMatchObject({ code: 'SETTLE_REJECTED', attempt: 1 });
      expect(record?.error?.message).toContain('value out of range');
      expect(errors.some((e) => e instanceof SettleRejectedError && e.jobId === bad.id)).toBe(true);
    });

    it('when even failing the job is refused, the worker still goes on with the others', async () => {
      const poisoned = new Set<string>();
      const q = new Queue<{ n: number }>(refusingSettlesOf(live.storage(), poisoned, true), 'refused-twice');
      const bad = await q.add({ n: 0 });
      poisoned.add(bad.id);
      const good = await q.addBulk(Array.from({ length: 5 }, (_, i) => ({ payload: { n: i + 1 } })));
      const w = live.worker(q, async (job) => job.payload.n, { concurrency: 1, leaseMs: 60_000 });
      const errors: Error[] = [];
      w.on('error', (e) => errors.push(e));
      expect(await Promise.all(good.map((j) => j.finished({ timeoutMs: 10_000 })))).toEqual([1, 2, 3, 4, 5]);
      expect((await bad.refresh())?.state).toBe('running'); // left to its lease: the sweep takes it back
      expect(errors.filter((e) => e instanceof SettleRejectedError)).toHaveLength(2);
    });

    it('an error with no error listener goes to the logger, not nowhere', async () => {
      const poisoned = new Set<string>();
      const q = new Queue<{ n: number }>(refusingSettlesOf(live.storage(), poisoned, false), 'logged');
      const lines: Array<{ message: string; error?: Error | undefined }> = [];
      const logger: Logger = { warn: (message, error) => lines.push({ message, error }) };
      // Not live.worker: it attaches an error listener. Closed by hand below.
      const w = new Worker(q, async () => 'ok', { ...FAST_WORKER, logger, autostart: false });
      try {
        const bad = await q.add({ n: 0 });
        poisoned.add(bad.id);
        await w.start();
        await until(() => lines.some((l) => l.error instanceof SettleRejectedError), 'the rejected settle to be logged');
        const line = lines.find((l) => l.error instanceof SettleRejectedError);
        expect(line?.message).toContain('SETTLE_REJECTED');
        expect(line?.message).toContain(w.id);
      } finally {
        await w.close({ graceMs: 0 });
      }
    });
  });
}
