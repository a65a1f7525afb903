/**
 * Contract area: every bad call through the public API (constructors, add, addBulk, job options,
 * list/clean/wait options, ids, the handler) is a `ValidationError` naming the offending value's
 * path, the same on every storage, and writes nothing: the queue's jobs and counts are unchanged
 * afterwards. Text with NUL or lone surrogates is refused identically everywhere.
 */
import {
  findJsonProblem,
  MAX_DELAY_MS,
  MAX_LIST_LIMIT,
  MAX_RUN_AT,
  MAX_TIMER_MS,
  type Queue,
  Queue as QueueClass,
  ValidationError,
  Worker,
} from '@waitline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StorageHarness } from '../harness.js';
import { useLive } from '../live.js';

type Path = ReadonlyArray<string | number>;
type AnyQueue = Queue<Record<string, unknown>>;

/** What a rejected call must leave untouched: every job (id, state, attempt, runAt) and the counts by state. */
async function snapshot(q: AnyQueue): Promise<unknown> {
  const page = await q.listJobs({ limit: MAX_LIST_LIMIT, order: 'asc' });
  const stats = await q.getStats();
  return { jobs: page.items.map((j) => [j.id, j.state, j.attempt, j.runAt, j.priority]), counts: stats.counts, config: stats.config };
}

async function rejection(call: () => unknown): Promise<ValidationError> {
  let err: unknown;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).code).toBe('VALIDATION');
  return err as ValidationError;
}

const loneSurrogate = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map((c) => String.fromCharCode(c));

/** Text holding a NUL or a lone surrogate somewhere (around it, any well-formed text). */
export const unstorableText = fc
  .tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.oneof(fc.constant('\u0000'), loneSurrogate), fc.string({ unit: 'grapheme', maxLength: 8 }))
  .map(([a, bad, b]) => `${a}${bad}${b}`)
  .filter((s) => s.length <= 200 && findJsonProblem(s) !== null);

/** Each bad call, and the path its `ValidationError` must name. */
function badCalls(q: AnyQueue, id: string): Array<[string, () => unknown, Path]> {
  const s = q.storage;
  return [
    ['Queue with null options', () => new QueueClass(s, 'other', null as never), ['options']],
    ['Queue with a timeout Node cannot hold', () => new QueueClass(s, 'other', { timeoutMs: 3_000_000_000 }), ['options', 'timeoutMs']],
    [
      'Queue with a backoff of 1e20 ms',
      () => new QueueClass(s, 'other', { retry: { attempts: 2, backoff: { kind: 'fixed', delayMs: 1e20 } } }),
      ['options', 'retry', 'backoff', 'delayMs'],
    ],
    ['Queue on something that is not a storage', () => new QueueClass({} as never, 'other'), ['storage']],
    ['add with options 5', () => q.add({}, 5 as never), ['options']],
    ['add with options true', () => q.add({}, true as never), ['options']],
    ['add with options []', () => q.add({}, [] as never), ['options']],
    ['add with a per-job custom backoff', () => q.add({}, { backoff: { kind: 'custom', delay: () => 1 } } as never), ['options', 'backoff', 'kind']],
    ['add with timeoutMs 3e9', () => q.add({}, { timeoutMs: 3_000_000_000 }), ['options', 'timeoutMs']],
    ['add with runAt 1e20', () => q.add({}, { runAt: 1e20 }), ['options', 'runAt']],
    ['add with a runAt past MAX_RUN_AT', () => q.add({}, { runAt: MAX_RUN_AT + 1 }), ['options', 'runAt']],
    ['add with a delay past MAX_DELAY_MS', () => q.add({}, { delayMs: MAX_DELAY_MS + 1 }), ['options', 'delayMs']],
    ['add with a backoff of 1e20 ms', () => q.add({}, { backoff: { kind: 'fixed', delayMs: 1e20 } }), ['options', 'backoff', 'delayMs']],
    ['add with NaN in the payload', () => q.add({ a: [Number.NaN] }), ['payload', 'a', 0]],
    ['add with a BigInt in the payload', () => q.add({ n: 1n }), ['payload', 'n']],
    ['add with a Map in the payload', () => q.add({ m: new Map() }), ['payload', 'm']],
    ['add with a Date in the payload', () => q.add({ at: new Date() }), ['payload', 'at']],
    ['add with a circular payload', () => q.add(circular()), ['payload', 'self']],
    ['addBulk(null)', () => q.addBulk(null as never), ['jobs']],
    ['addBulk with a malformed entry', () => q.addBulk([{ payload: {} }, 'x'] as never), ['jobs', 1]],
    ['addBulk with a bad payload last', () => q.addBulk([{ payload: {} }, { payload: { f: () => 1 } }]), ['jobs', 1, 'payload', 'f']],
    ['listJobs with limit NaN', () => q.listJobs({ limit: Number.NaN }), ['options', 'limit']],
    ['listJobs with limit -1', () => q.listJobs({ limit: -1 }), ['options', 'limit']],
    ['listJobs with limit 2.5', () => q.listJobs({ limit: 2.5 }), ['options', 'limit']],
    ['listJobs with a limit past the maximum', () => q.listJobs({ limit: MAX_LIST_LIMIT + 1 }), ['options', 'limit']],
    ['listJobs with offset -1', () => q.listJobs({ offset: -1 }), ['options', 'offset']],
    ["listJobs with states ['bogus']", () => q.listJobs({ states: ['bogus' as never] }), ['options', 'states', 0]],
    ['listJobs with order sideways', () => q.listJobs({ order: 'sideways' as never }), ['options', 'order']],
    ['clean()', () => q.clean(undefined as never), ['options']],
    ["clean({ state: 'bogus' })", () => q.clean({ state: 'bogus' as never }), ['options', 'state']],
    ['clean with olderThanMs -1', () => q.clean({ state: 'completed', olderThanMs: -1 }), ['options', 'olderThanMs']],
    ['clean with olderThanMs NaN', () => q.clean({ state: 'completed', olderThanMs: Number.NaN }), ['options', 'olderThanMs']],
    ['finished with timeoutMs past the timer limit', () => q.finished(id, { timeoutMs: MAX_TIMER_MS + 1 }), ['options', 'timeoutMs']],
    ['drain with pollMs 0 (the queue is not set draining)', () => q.drain({ pollMs: 0 }), ['options', 'pollMs']],
    ['drain with a timeoutMs past the timer limit', () => q.drain({ timeoutMs: MAX_TIMER_MS + 1 }), ['options', 'timeoutMs']],
    ['whenIdle with pollMs 0', () => q.whenIdle({ pollMs: 0 }), ['options', 'pollMs']],
    ['changePriority to 1.5', () => q.changePriority(id, 1.5), ['priority']],
    ['cancel with a NUL id', () => q.cancel(`${id}\u0000`), ['id']],
    ['retry with a lone-surrogate id', () => q.retry(`${id}\uD800`), ['id']],
    ['promote with a lone-surrogate id', () => q.promote(`\uDC00${id}`), ['id']],
    ['getStatus with a NUL id', () => q.getStatus('\u0000'), ['id']],
    ['Worker with a handler that is not a function', () => new Worker(q, 'not a function' as never), ['handler']],
    ['Worker on something that is not a queue', () => new Worker({} as never, async () => 1), ['queue']],
    ['Worker with pollIntervalMs past the timer limit', () => new Worker(q, async () => 1, { pollIntervalMs: 2 ** 31 }), ['options', 'pollIntervalMs']],
  ];
}

function circular(): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  o.self = o;
  return o;
}

/** Registers the validation area. */
export function describeValidation(harness: StorageHarness): void {
  describe(`${harness.name}: validation`, () => {
    const live = useLive(harness);

    it('refuses every bad call with a ValidationError naming the path, and writes nothing', async () => {
      const q = live.queue<Record<string, unknown>>('bad-calls', { maxSize: 50 });
      const kept = await q.add({ n: 1 });
      await q.add({ n: 2 }, { delayMs: 60_000 });
      const before = await snapshot(q);
      for (const [what, call, path] of badCalls(q, kept.id)) {
        const err = await rejection(call);
        expect({ what, path: err.path }).toEqual({ what, path });
        expect(await snapshot(q)).toEqual(before);
      }
    });

    it('refuses NUL and lone surrogates in every text input identically, writing nothing', async () => {
      const q = live.queue<Record<string, unknown>>('bad-text');
      const before = await snapshot(q);
      await fc.assert(
        fc.asyncProperty(unstorableText, fc.nat(5), async (text, where) => {
          const calls: Array<[() => unknown, Path]> = [
            [() => q.add({ v: text }), ['payload', 'v']],
            [() => q.add({ [text]: 1 }), ['payload', text]],
            [() => q.add({}, { name: text }), ['options', 'name']],
            [() => q.add({}, { idempotencyKey: text }), ['options', 'idempotencyKey']],
            [() => q.getJob(text), ['id']],
            [() => q.cancel(text), ['id']],
          ];
          const [call, path] = calls[where] as [() => unknown, Path];
          expect((await rejection(call)).path).toEqual(path);
        }),
        { numRuns: 60 },
      );
      expect(await snapshot(q)).toEqual(before);
    });

    it('refuses every generated payload JSON cannot carry exactly, at its path, writing nothing', async () => {
      const q = live.queue<Record<string, unknown>>('bad-payloads');
      const before = await snapshot(q);
      const anything = fc.anything({
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withSparseArray: true,
        withBoxedValues: true,
        withTypedArray: true,
      });
      const bad = fc.dictionary(fc.string({ maxLength: 4 }), anything, { minKeys: 1, maxKeys: 3 }).filter((p) => findJsonProblem(p) !== null);
      await fc.assert(
        fc.asyncProperty(bad, async (payload) => {
          const err = await rejection(() => q.add(payload));
          expect(err.path).toEqual(findJsonProblem(payload, ['payload'])?.path);
        }),
        { numRuns: 60 },
      );
      expect(await snapshot(q)).toEqual(before);
    });
  });
}
