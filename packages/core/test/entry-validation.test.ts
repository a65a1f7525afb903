import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../src/errors.js';
import { MAX_DELAY_MS, MAX_LIST_LIMIT, MAX_RUN_AT, MAX_TIMER_MS } from '../src/limits.js';
import { parseJobOptions } from '../src/options.js';
import { Queue } from '../src/queue.js';
import { QueueEvents } from '../src/queue-events.js';
import { Worker } from '../src/worker/worker.js';
import { type Recording, recordingStorage } from './recording-storage.js';

type Path = Array<string | number>;

async function pathOf(call: () => unknown): Promise<ReadonlyArray<string | number>> {
  let err: unknown;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).code).toBe('VALIDATION');
  return (err as ValidationError).path;
}

let rec: Recording;
const fixedNow = 1_700_000_000_000;

function queue(options: object = {}): Queue<Record<string, unknown>> {
  rec = recordingStorage();
  return new Queue<Record<string, unknown>>(rec.storage, 'q', { clock: { now: () => fixedNow }, ...options });
}

afterEach(() => {
  // Every case in this file is a rejected call: none may have reached the storage.
  expect(rec?.calls ?? []).toEqual([]);
});

describe('the Queue constructor', () => {
  it.each<[string, () => unknown, Path]>([
    ['a null storage', () => new Queue(null as never, 'q'), ['storage']],
    ['a storage that is not one', () => new Queue({ enqueue() {} } as never, 'q'), ['storage']],
    ['null options', () => new Queue(recordingStorage().storage, 'q', null as never), ['options']],
    ['numeric options', () => new Queue(recordingStorage().storage, 'q', 5 as never), ['options']],
    ['array options', () => new Queue(recordingStorage().storage, 'q', [] as never), ['options']],
    ['a timeout past the timer limit', () => new Queue(recordingStorage().storage, 'q', { timeoutMs: MAX_TIMER_MS + 1 }), ['options', 'timeoutMs']],
    ['a fractional timeout', () => new Queue(recordingStorage().storage, 'q', { timeoutMs: 1.5 }), ['options', 'timeoutMs']],
    [
      'a fixed backoff past the horizon',
      () => new Queue(recordingStorage().storage, 'q', { retry: { attempts: 2, backoff: { kind: 'fixed', delayMs: 1e20 } } }),
      ['options', 'retry', 'backoff', 'delayMs'],
    ],
    [
      'an exponential maxMs past the horizon',
      () => new Queue(recordingStorage().storage, 'q', { retry: { attempts: 2, backoff: { kind: 'exponential', baseMs: 1, maxMs: MAX_DELAY_MS + 1 } } }),
      ['options', 'retry', 'backoff', 'maxMs'],
    ],
    [
      'a list delay past the horizon',
      () => new Queue(recordingStorage().storage, 'q', { retry: { attempts: 2, backoff: { kind: 'list', delaysMs: [1, Number.MAX_VALUE] } } }),
      ['options', 'retry', 'backoff', 'delaysMs', 1],
    ],
    ['a job name with NUL', () => new Queue(recordingStorage().storage, 'q', { jobName: 'a\u0000' }), ['options', 'jobName']],
    ['a queue name with a lone surrogate', () => new Queue(recordingStorage().storage, 'q\uD800'), ['name']],
    ['QueueEvents on a non-storage', () => new QueueEvents('storage' as never, 'q'), ['storage']],
  ])('refuses %s', async (_, call, path) => {
    expect(await pathOf(call)).toEqual(path);
  });

  it('keeps a queue-level custom backoff', () => {
    expect(queue({ retry: { attempts: 2, backoff: { kind: 'custom', delay: () => 5 } } }).customBackoff?.({ attempt: 1, error: null })).toBe(5);
  });
});

describe('add and addBulk', () => {
  const S = z.object({ n: z.number(), at: z.string().optional() });

  it.each<[string, (q: Queue<Record<string, unknown>>) => Promise<unknown>, Path]>([
    ['numeric options', (q) => q.add({}, 5 as never), ['options']],
    ['boolean options', (q) => q.add({}, true as never), ['options']],
    ['array options', (q) => q.add({}, [] as never), ['options']],
    ['null options', (q) => q.add({}, null as never), ['options']],
    ['a per-job custom backoff', (q) => q.add({}, { backoff: { kind: 'custom', delay: () => 1 } } as never), ['options', 'backoff', 'kind']],
    ['a timeout Node cannot hold', (q) => q.add({}, { timeoutMs: 3_000_000_000 }), ['options', 'timeoutMs']],
    ['a runAt past the horizon', (q) => q.add({}, { runAt: 1e20 }), ['options', 'runAt']],
    ['a Date past the horizon', (q) => q.add({}, { runAt: new Date(MAX_RUN_AT + 1) }), ['options', 'runAt']],
    ['a delay past the horizon', (q) => q.add({}, { delayMs: MAX_DELAY_MS + 1 }), ['options', 'delayMs']],
    ['a backoff delay past the horizon', (q) => q.add({}, { backoff: { kind: 'fixed', delayMs: 1e20 } }), ['options', 'backoff', 'delayMs']],
    ['a job name with a lone surrogate', (q) => q.add({}, { name: 'x\uDC00' }), ['options', 'name']],
    ['an idempotency key with NUL', (q) => q.add({}, { idempotencyKey: '\u0000' }), ['options', 'idempotencyKey']],
    ['a NaN in the payload', (q) => q.add({ a: { b: Number.NaN } }), ['payload', 'a', 'b']],
    ['a BigInt in the payload', (q) => q.add({ list: [1, 2n] }), ['payload', 'list', 1]],
    ['a Map in the payload', (q) => q.add({ m: new Map() }), ['payload', 'm']],
    ['a Date in the payload', (q) => q.add({ at: new Date() }), ['payload', 'at']],
    ['a NUL key in the payload', (q) => q.add({ 'a\u0000': 1 }), ['payload', 'a\u0000']],
    ['jobs that are not an array', (q) => q.addBulk(null as never), ['jobs']],
    ['a bulk entry that is not an object', (q) => q.addBulk([{ payload: {} }, 5] as never), ['jobs', 1]],
    ['a bulk entry with an unknown key', (q) => q.addBulk([{ payload: {}, priority: 3 }] as never), ['jobs', 0]],
    ['bulk job options that are not an object', (q) => q.addBulk([{ payload: {}, options: 'x' }] as never), ['jobs', 0, 'options']],
    ['a bad payload in the third entry', (q) => q.addBulk([{ payload: {} }, { payload: {} }, { payload: { x: Symbol() } }]), ['jobs', 2, 'payload', 'x']],
    ['bulk options that are not an object', (q) => q.addBulk([], 5 as never), ['options']],
  ])('refuses %s, writing nothing', async (_, call, path) => {
    expect(await pathOf(() => call(queue()))).toEqual(path);
  });

  it('checks the payload after the schema parsed it', async () => {
    rec = recordingStorage();
    const q = new Queue(rec.storage, 'q', { payload: S.transform((v) => ({ ...v, when: new Date(v.n) })) });
    expect(await pathOf(() => q.add({ n: 1 } as never))).toEqual(['payload', 'when']);
  });

  it('writes an accepted payload exactly as given, at a runAt up to the horizon', async () => {
    const q = queue({ payload: S });
    const payload = { n: -0.5, at: '𝄞 😀 née' };
    const job = await q.add(payload, { runAt: MAX_RUN_AT });
    expect(job.payload).toEqual(payload);
    expect(rec.calls.map((c) => c.method)).toEqual(['upsertQueue', 'enqueue']);
    const enqueued = rec.calls[1]?.params as { jobs: Array<{ runAt: number }> };
    expect(enqueued.jobs[0]?.runAt).toBe(MAX_RUN_AT);
    rec.calls.length = 0;
  });
});

describe('list, clean, wait and id arguments', () => {
  it.each<[string, (q: Queue<Record<string, unknown>>) => Promise<unknown>, Path]>([
    ['a NaN limit', (q) => q.listJobs({ limit: Number.NaN }), ['options', 'limit']],
    ['a negative limit', (q) => q.listJobs({ limit: -1 }), ['options', 'limit']],
    ['a fractional limit', (q) => q.listJobs({ limit: 1.5 }), ['options', 'limit']],
    ['a limit past the maximum', (q) => q.listJobs({ limit: MAX_LIST_LIMIT + 1 }), ['options', 'limit']],
    ['a negative offset', (q) => q.listJobs({ offset: -1 }), ['options', 'offset']],
    ['an unknown state', (q) => q.listJobs({ states: ['queued', 'bogus' as never] }), ['options', 'states', 1]],
    ['no states', (q) => q.listJobs({ states: [] }), ['options', 'states']],
    ['an unknown order', (q) => q.listJobs({ order: 'up' as never }), ['options', 'order']],
    ['a negative afterSeq', (q) => q.listJobs({ afterSeq: -1 }), ['options', 'afterSeq']],
    ['a fractional afterSeq', (q) => q.listJobs({ afterSeq: 2.5 }), ['options', 'afterSeq']],
    ['list options that are not an object', (q) => q.listJobs(7 as never), ['options']],
    ['listFailed with states', (q) => q.listFailed({ states: ['queued'] } as never), ['options']],
    ['clean without options', (q) => q.clean(undefined as never), ['options']],
    ['clean with null', (q) => q.clean(null as never), ['options']],
    ['clean of an unknown state', (q) => q.clean({ state: 'bogus' as never }), ['options', 'state']],
    ['clean of running jobs', (q) => q.clean({ state: 'running' as never }), ['options', 'state']],
    ['clean with a negative age', (q) => q.clean({ state: 'failed', olderThanMs: -1 }), ['options', 'olderThanMs']],
    ['clean with a NaN age', (q) => q.clean({ state: 'failed', olderThanMs: Number.NaN }), ['options', 'olderThanMs']],
    ['finished with a negative timeout', (q) => q.finished('id', { timeoutMs: -1 }), ['options', 'timeoutMs']],
    ['finished with a timeout past the timer limit', (q) => q.finished('id', { timeoutMs: MAX_TIMER_MS + 1 }), ['options', 'timeoutMs']],
    ['finished with a zero poll', (q) => q.finished('id', { pollMs: 0 }), ['options', 'pollMs']],
    ['drain options that are not an object', (q) => q.drain('soon' as never), ['options']],
    ['drain with an unknown key', (q) => q.drain({ timeout: 5 } as never), ['options']],
    ['drain with a zero poll', (q) => q.drain({ pollMs: 0 }), ['options', 'pollMs']],
    ['whenIdle options that are not an object', (q) => q.whenIdle('soon' as never), ['options']],
    ['whenIdle with an unknown key', (q) => q.whenIdle({ timeout: 5 } as never), ['options']],
    ['a fractional priority', (q) => q.changePriority('id', 1.5), ['priority']],
    ['an empty id', (q) => q.getStatus(''), ['id']],
    ['a numeric id', (q) => q.getJob(5 as never), ['id']],
    ['an id with NUL', (q) => q.cancel('a\u0000b'), ['id']],
    ['an id with a lone surrogate', (q) => q.retry('\uD800'), ['id']],
    ['a promote id with a lone surrogate', (q) => q.promote('x\uDFFF'), ['id']],
    ['a position id with NUL', (q) => q.getPosition('\u0000'), ['id']],
  ])('refuses %s', async (_, call, path) => {
    expect(await pathOf(() => call(queue()))).toEqual(path);
  });

  it('refuses every limit that is not an integer from 1 to MAX_LIST_LIMIT', async () => {
    const q = queue();
    const bad = fc.oneof(fc.double(), fc.integer()).filter((n) => !(Number.isInteger(n) && n >= 1 && n <= MAX_LIST_LIMIT));
    await fc.assert(
      fc.asyncProperty(bad, async (limit) => {
        expect(await pathOf(() => q.listJobs({ limit }))).toEqual(['options', 'limit']);
      }),
    );
  });
});

describe('the Worker constructor', () => {
  it.each<[string, (q: Queue) => unknown, Path]>([
    ['a handler that is not a function', (q) => new Worker(q, 'not a function' as never, { autostart: false }), ['handler']],
    ['a missing handler', (q) => new Worker(q, undefined as never, { autostart: false }), ['handler']],
    ['a queue that is not a Queue', () => new Worker({ name: 'q' } as never, async () => 1), ['queue']],
    ['null options', (q) => new Worker(q, async () => 1, null as never), ['options']],
    ['a poll interval past the timer limit', (q) => new Worker(q, async () => 1, { pollIntervalMs: MAX_TIMER_MS + 1 }), ['options', 'pollIntervalMs']],
    ['a heartbeat past the timer limit', (q) => new Worker(q, async () => 1, { heartbeatMs: 2 ** 32 }), ['options', 'heartbeatMs']],
    ['a heartbeat not below its lease', (q) => new Worker(q, async () => 1, { leaseMs: 200, heartbeatMs: 1_000 }), ['options', 'heartbeatMs']],
    ['a heartbeat not below the default lease', (q) => new Worker(q, async () => 1, { heartbeatMs: 60_000 }), ['options', 'heartbeatMs']],
    ['a shutdown grace of 1e20', (q) => new Worker(q, async () => 1, { shutdownGraceMs: 1e20 }), ['options', 'shutdownGraceMs']],
    ['a timeout grace of Infinity', (q) => new Worker(q, async () => 1, { timeoutGraceMs: Number.POSITIVE_INFINITY }), ['options', 'timeoutGraceMs']],
    ['a worker id with NUL', (q) => new Worker(q, async () => 1, { workerId: 'w\u0000' }), ['options', 'workerId']],
  ])('refuses %s before anything runs', async (_, make, path) => {
    expect(await pathOf(() => make(queue()))).toEqual(path);
  });
});

describe('job options bounds', () => {
  it('accepts every timeout from 1 to MAX_TIMER_MS and refuses the rest', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -10, max: MAX_TIMER_MS + 10 }), fc.double()), (timeoutMs) => {
        const ok = Number.isInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= MAX_TIMER_MS;
        let accepted = true;
        try {
          parseJobOptions({ timeoutMs });
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(ok);
      }),
    );
  });
});
