import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import type { BackoffSpec, JobRecord } from '../src/job-record.js';
import { isStorableText, MAX_ERROR_TEXT, MAX_RUN_AT } from '../src/limits.js';
import { queuedRecord } from '../src/new-job.js';
import { ActiveAttempt, errorInfo, type Outcome } from '../src/worker/attempt.js';
import { makeContext } from '../src/worker/context.js';
import { recordingStorage } from './recording-storage.js';

const NOW = 1_700_000_000_000;

function running(overrides: Partial<JobRecord> = {}): JobRecord {
  const base = queuedRecord(
    'q',
    {
      id: 'job-1',
      name: 'default',
      payload: {},
      priority: 2,
      runAt: NOW,
      maxAttempts: 3,
      backoff: null,
      timeoutMs: null,
      size: null,
      idempotencyKey: null,
      traceparent: null,
      webhook: null,
    },
    1,
    NOW,
  );
  return { ...base, state: 'running', attempt: 1, leaseToken: 'lease', startedAt: NOW, ...overrides };
}

const policy = (customBackoff?: (ctx: { attempt: number; error: unknown }) => number | null) => ({ now: () => NOW, random: () => 0.5, customBackoff });

function failed(outcome: Outcome): Extract<Outcome, { kind: 'failed' }>['item'] {
  expect(outcome.kind).toBe('failed');
  return (outcome as Extract<Outcome, { kind: 'failed' }>).item;
}

async function settle(record: JobRecord, handler: () => unknown, custom?: (ctx: { attempt: number; error: unknown }) => number | null): Promise<Outcome> {
  const attempt = new ActiveAttempt(record, 'lease', 50);
  const end = await attempt.run(async () => handler());
  return attempt.classify(end, policy(custom));
}

describe('a handler result', () => {
  it('is stored when it round-trips as JSON; nothing returned stores null', async () => {
    expect(await settle(running(), () => ({ words: 5231, text: '😀' }))).toMatchObject({ kind: 'completed', item: { result: { words: 5231, text: '😀' } } });
    expect(await settle(running(), () => undefined)).toMatchObject({ kind: 'completed', item: { result: null } });
  });

  it.each<[string, unknown, Array<string | number>]>([
    ['a BigInt', 10n, ['result']],
    ['NaN inside', { score: Number.NaN }, ['result', 'score']],
    ['a Date inside', { at: new Date() }, ['result', 'at']],
    ['a NUL inside', ['ok', 'a\u0000'], ['result', 1]],
  ])('that holds %s fails the attempt with a ValidationError at its path, and retries by policy', async (_, result, path) => {
    const item = failed(await settle(running({ backoff: { kind: 'fixed', delayMs: 1_000 } }), () => result));
    expect(item.error).toMatchObject({ name: 'ValidationError', code: 'VALIDATION', attempt: 1 });
    expect(item.error.message).toContain(path.join('.'));
    expect(item.retryAt).toBe(NOW + 1_000);
  });
});

describe('a failed attempt', () => {
  it('retries no later than MAX_RUN_AT, as a whole number, whatever backoff the job stored', async () => {
    const stored: BackoffSpec[] = [
      { kind: 'fixed', delayMs: 1e20 },
      { kind: 'list', delaysMs: [Number.MAX_VALUE] },
      { kind: 'exponential', baseMs: 1e300, maxMs: 1e300, jitter: 0.2 },
      { kind: 'fixed', delayMs: 0.4 },
    ];
    for (const backoff of stored) {
      const item = failed(await settle(running({ backoff }), () => Promise.reject(new Error('boom'))));
      expect(Number.isInteger(item.retryAt)).toBe(true);
      expect(item.retryAt).toBeLessThanOrEqual(MAX_RUN_AT);
      expect(item.retryAt).toBeGreaterThanOrEqual(NOW);
    }
  });

  it("fails with a RetryPolicyError naming the handler's error when the stored backoff is custom and the queue has no function", async () => {
    const item = failed(await settle(running({ backoff: { kind: 'custom' } }), () => Promise.reject(new Error('disk full'))));
    expect(item.retryAt).toBeNull();
    expect(item.error).toMatchObject({ name: 'RetryPolicyError', code: 'RETRY_POLICY' });
    expect(item.error.message).toContain('disk full');
    expect(item.error.stack).toContain('Caused by: Error: disk full');
  });

  it('fails with a RetryPolicyError when the custom function throws, and retries when it answers', async () => {
    const thrower = () => {
      throw new Error('policy bug');
    };
    const broken = failed(await settle(running({ backoff: { kind: 'custom' } }), () => Promise.reject(new Error('x')), thrower));
    expect(broken).toMatchObject({ retryAt: null, error: { code: 'RETRY_POLICY' } });
    const fine = failed(
      await settle(
        running({ backoff: { kind: 'custom' } }),
        () => Promise.reject(new Error('x')),
        () => 250,
      ),
    );
    expect(fine).toMatchObject({ retryAt: NOW + 250, error: { message: 'x' } });
  });

  it('holds a stored timeout past the timer limit to the limit instead of aborting at once', async () => {
    const outcome = await settle(running({ timeoutMs: 3_000_000_000 }), () => new Promise((r) => setTimeout(() => r('done'), 30)));
    expect(outcome).toMatchObject({ kind: 'completed', item: { result: 'done' } });
  });
});

describe('errorInfo', () => {
  it('replaces NUL and lone surrogates in every recorded field with U+FFFD', () => {
    const err = Object.assign(new Error('bad\u0000 \uD800 😀'), { code: 'E\u0000' });
    err.name = 'Weird\uDC00Error';
    const info = errorInfo(err, 1, NOW);
    expect(info).toMatchObject({ name: 'Weird\uFFFDError', message: 'bad\uFFFD \uFFFD 😀', code: 'E\uFFFD' });
    expect(isStorableText(info.stack ?? '')).toBe(true);
  });

  it('cuts long fields, saying how much was cut, never inside a surrogate pair', () => {
    const err = new Error(`${'m'.repeat(MAX_ERROR_TEXT.message - 20)}😀${'x'.repeat(5_000_000)}`);
    err.name = 'N'.repeat(10_000);
    err.stack = 's'.repeat(20_000_000);
    const info = errorInfo(err, 1, NOW);
    expect(info.message.length).toBeLessThanOrEqual(MAX_ERROR_TEXT.message);
    expect(info.message).toMatch(/… \[\d+ more characters\]$/);
    expect(isStorableText(info.message)).toBe(true);
    expect(info.name.length).toBeLessThanOrEqual(MAX_ERROR_TEXT.name);
    expect(info.stack?.length).toBeLessThanOrEqual(MAX_ERROR_TEXT.stack);
    expect(info.stack).toMatch(/more characters\]$/);
    expect(errorInfo(new Error('short'), 1, NOW).message).toBe('short');
    expect(errorInfo('x'.repeat(100_000), 1, NOW).message.length).toBeLessThanOrEqual(MAX_ERROR_TEXT.message);
  });

  it('never throws, and always yields storable text, whatever was thrown', () => {
    const hostile = [
      Object.create(null),
      {
        toString: () => {
          throw new Error('no');
        },
      },
      Object.defineProperty(new Error('m'), 'message', {
        get: () => {
          throw new Error('no');
        },
      }),
      Symbol('s'),
      10n,
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(...hostile),
          fc.anything(),
          fc.string({ unit: 'binary' }).map((s) => new Error(s)),
        ),
        (thrown) => {
          const info = errorInfo(thrown, 1, NOW);
          for (const field of [info.name, info.message, info.stack ?? '', info.code ?? '']) expect(isStorableText(field)).toBe(true);
        },
      ),
    );
  });
});

describe('progress', () => {
  it.each<[string, unknown, Array<string | number>]>([
    ['not an object', 5, ['progress']],
    ['a stage with NUL', { stage: 'a\u0000' }, ['progress', 'stage']],
    ['a stage with a lone surrogate', { stage: '\uDBFF' }, ['progress', 'stage']],
    ['data holding NaN', { data: { n: Number.NaN } }, ['progress', 'data', 'n']],
    ['data holding a Map', { data: [new Map()] }, ['progress', 'data', 0]],
    ['a percent past 100', { percent: 101 }, ['progress', 'percent']],
  ])('refuses %s with a ValidationError, writing nothing', async (_, update, path) => {
    const { storage, calls } = recordingStorage();
    const attempt = new ActiveAttempt(running(), 'lease', 50);
    const ctx = makeContext(
      { id: 'w', webhooks: { progress: () => undefined }, queue: { storage, clock: { now: () => NOW }, emit: () => undefined } },
      attempt,
    );
    const err = await ctx.progress(update as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toEqual(path);
    expect(calls).toEqual([]);
  });
});

describe("the handler's signal", () => {
  it('is made on first read: one read before the abort hears it, one read after finds it aborted with the same reason', async () => {
    const early = new ActiveAttempt(running(), 'lease', 0);
    const signal = early.signal;
    const heard: unknown[] = [];
    signal.addEventListener('abort', () => heard.push(signal.reason));
    early.abort('cancelled');
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ code: 'JOB_CANCELLED', kind: 'cancelled' });
    expect(early.signal).toBe(signal);

    const late = new ActiveAttempt(running(), 'lease', 0);
    late.abort('shutdown');
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toMatchObject({ code: 'WORKER_CLOSING', kind: 'shutdown' });
  });

  it('never read, a timeout still fails the attempt with the timeout error', async () => {
    const attempt = new ActiveAttempt(running({ timeoutMs: 5 }), 'lease', 5);
    const end = await attempt.run(() => new Promise(() => undefined));
    const item = failed(attempt.classify(end, policy()));
    expect(item.error).toMatchObject({ name: 'JobAbortedError', code: 'JOB_TIMEOUT' });
    expect(item.error.message).toContain('timed out after 5 ms');
  });
});
