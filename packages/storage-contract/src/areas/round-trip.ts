/**
 * Contract area: what validation accepts, every storage keeps exactly. Text with non-BMP
 * characters, emoji and any other storable string round-trips in payloads (values and keys), job
 * names, idempotency keys, progress and results; the bounds (`MAX_RUN_AT`, `MAX_DELAY_MS`,
 * `MAX_TIMER_MS`) hold on every storage; and no accepted setting or handler outcome can wedge a
 * worker: an oversized retry delay, an unstorable result, an error message with NUL, a custom
 * backoff this worker does not have.
 */
import { MAX_DELAY_MS, MAX_RUN_AT, MAX_TIMER_MS, priority, sanitizeText } from '@waitline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { sleep, until, useLive } from '../live.js';

/** Hand-picked text: astral characters, emoji sequences, the edges of the BMP, controls, quoting. */
const SAMPLES = [
  '😀',
  '👩‍👩‍👧‍👦 family',
  '𝄞 clef',
  '\uDBFF\uDFFF',
  '\uFFFF\uFFFE\uFEFF',
  'e\u0301 combining',
  'שלום مرحبا',
  '\u0001\u001f\t\n\r',
  `quotes ' " \` \\ backslash`,
  '%_* {tag} [x] $1 ?',
  'x'.repeat(200),
];

/** Any storable text: arbitrary UTF-16 with its NULs and lone surrogates replaced. */
const storableText = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => sanitizeText(s));

/** Registers the round-trip area. */
export function describeRoundTrip(harness: StorageHarness): void {
  describe(`${harness.name}: round trips and bounds`, () => {
    const live = useLive(harness);

    it('keeps every storable string exactly: payload values and keys, job names, idempotency keys', async () => {
      const q = live.queue<Record<string, unknown>>('text');
      const check = async (texts: string[]) => {
        const jobs = texts.map((t) => ({ payload: { [t]: t, list: [t, { t }] }, options: { name: t, idempotencyKey: `k:${t}` } }));
        const added = await q.addBulk(jobs);
        for (const [i, job] of added.entries()) {
          const t = texts[i] as string;
          const stored = await q.getJob(job.id);
          expect(stored?.payload).toStrictEqual({ [t]: t, list: [t, { t }] });
          expect(stored?.name).toBe(t);
          expect(stored?.idempotencyKey).toBe(`k:${t}`);
          expect(job.payload).toStrictEqual(stored?.payload);
        }
      };
      await check(SAMPLES);
      await fc.assert(fc.asyncProperty(fc.uniqueArray(storableText, { minLength: 1, maxLength: 5 }), check), { numRuns: 25 });
    });

    it('keeps progress stages and data and results exactly, and numbers at their bounds', async () => {
      const q = live.queue<{ t: string }, unknown>('worker-text');
      const seen: unknown[] = [];
      live.worker(q, async (job, ctx) => {
        await ctx.progress({ percent: 50, stage: job.payload.t.slice(0, 200), data: { t: job.payload.t, big: Number.MAX_VALUE, tiny: 5e-324 } });
        seen.push(job.payload.t);
        return { echo: [job.payload.t], max: Number.MAX_SAFE_INTEGER, neg: -1.5e-300 };
      });
      const jobs = await q.addBulk(SAMPLES.map((t) => ({ payload: { t } })));
      await q.whenIdle({ timeoutMs: 10_000 });
      for (const job of jobs) {
        const t = job.payload.t;
        const stored = await q.getJob(job.id);
        expect(stored?.state).toBe('completed');
        expect(stored?.result).toStrictEqual({ echo: [t], max: Number.MAX_SAFE_INTEGER, neg: -1.5e-300 });
        expect(stored?.progress?.stage).toBe(t);
        expect(stored?.progress?.data).toStrictEqual({ t, big: Number.MAX_VALUE, tiny: 5e-324 });
      }
      expect(seen).toHaveLength(SAMPLES.length);
    });

    it('stores a job at MAX_RUN_AT at either priority extreme exactly, and keeps ordering', async () => {
      const q = live.queue('horizon');
      const late = await q.add({}, { runAt: MAX_RUN_AT, priority: 1_000 });
      const lateLow = await q.add({}, { runAt: new Date(MAX_RUN_AT), priority: 1 });
      const now = await q.add({}, { priority: priority.low });
      expect((await q.getJob(late.id))?.runAt).toBe(MAX_RUN_AT);
      expect((await q.getJob(lateLow.id))?.runAt).toBe(MAX_RUN_AT);
      expect(await q.getPosition(now.id)).toBe(1);
      expect(await q.getPosition(late.id)).toBeNull();
      // A promoted job's runAt becomes the promote's time: let the clock pass the add of `now`, so
      // the promoted one sorts behind it (at an equal runAt, seq would put it first).
      await sleep(2);
      await q.promote(late.id);
      await q.promote(lateLow.id);
      expect(await q.getPosition(late.id)).toBe(1);
      expect(await q.getPosition(now.id)).toBe(2);
      expect(await q.getPosition(lateLow.id)).toBe(3);
    });

    it('a job at the longest backoff fails once and the worker goes on running the next jobs', async () => {
      const q = live.queue<{ n: number }>('longest-backoff', { retry: { attempts: 3, backoff: { kind: 'fixed', delayMs: MAX_DELAY_MS } } });
      live.worker(q, async (job) => {
        if (job.payload.n === 0) throw new Error('fails once, retries a century later');
        return job.payload.n;
      });
      const first = await q.add({ n: 0 });
      const own = await q.add({ n: 0 }, { backoff: { kind: 'exponential', baseMs: MAX_DELAY_MS, maxMs: MAX_DELAY_MS } });
      const rest = await q.addBulk(Array.from({ length: 10 }, (_, i) => ({ payload: { n: i + 1 } })));
      await until(async () => (await q.getStats()).counts.completed === rest.length, 'the ten later jobs to complete', 10_000);
      for (const job of [first, own]) {
        const stored = await q.getJob(job.id);
        expect(stored).toMatchObject({ state: 'queued', attempt: 1, error: { message: 'fails once, retries a century later' } });
        expect(stored?.runAt).toBeLessThanOrEqual(MAX_RUN_AT);
        expect(stored?.runAt).toBeGreaterThan(Date.now() + MAX_DELAY_MS / 2);
      }
    });

    it('an unstorable result or error message never wedges the worker: the attempt fails, typed, and the next jobs run', async () => {
      const q = live.queue<{ kind: string }>('bad-outcomes', { retry: { attempts: 1 } });
      live.worker(q, async (job) => {
        if (job.payload.kind === 'nan') return { score: Number.NaN };
        if (job.payload.kind === 'date') return { at: new Date() };
        if (job.payload.kind === 'nul') throw new Error('bad\u0000byte and \uD800 half');
        return 'ok';
      });
      const [nan, date, nul] = await q.addBulk(['nan', 'date', 'nul'].map((kind) => ({ payload: { kind } })));
      const fine = await q.addBulk(Array.from({ length: 5 }, () => ({ payload: { kind: 'fine' } })));
      await q.whenIdle({ timeoutMs: 10_000 });
      expect((await q.getJob(nan?.id as string))?.error).toMatchObject({ name: 'ValidationError', code: 'VALIDATION' });
      expect((await q.getJob(nan?.id as string))?.error?.message).toContain('result.score');
      expect((await q.getJob(date?.id as string))?.error?.message).toContain('toISOString');
      expect((await q.getJob(nul?.id as string))?.error?.message).toBe('bad\uFFFDbyte and \uFFFD half');
      for (const job of fine) expect((await q.getJob(job.id))?.state).toBe('completed');
    });

    it("a job whose custom backoff this worker's queue lacks fails with RETRY_POLICY instead of silently not retrying", async () => {
      const name = 'custom-elsewhere';
      const producer = live.queue(name, { retry: { attempts: 3, backoff: { kind: 'custom', delay: () => 10 } } });
      const consumer = live.queue(name);
      live.worker(consumer, async () => {
        throw new Error('handler failed');
      });
      const job = await producer.add({});
      await expect(job.finished({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'JOB_FAILED' });
      const stored = await producer.getJob(job.id);
      expect(stored).toMatchObject({ state: 'failed', attempt: 1, maxAttempts: 3, error: { name: 'RetryPolicyError', code: 'RETRY_POLICY' } });
      expect(stored?.error?.message).toContain('handler failed');
    });

    it('a timeout of MAX_TIMER_MS is held by the timer: the handler is not aborted early', async () => {
      const q = live.queue('long-timeout', { timeoutMs: MAX_TIMER_MS });
      live.worker(q, async (_job, { signal }) => {
        await new Promise((r) => setTimeout(r, 100));
        return signal.aborted ? 'aborted' : 'ran';
      });
      const job = await q.add({});
      await expect(job.finished({ timeoutMs: 10_000 })).resolves.toBe('ran');
    });
  });
}
