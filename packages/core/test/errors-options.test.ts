import { describe, expect, it } from 'vitest';
import { ValidationError, WaitlineError } from '../src/errors.js';
import { buildNewJob } from '../src/new-job.js';
import { parseJobOptions, parseQueueName, parseWorkerOptions } from '../src/options.js';
import { compareJobOrder } from '../src/ordering.js';
import { canTransition, JOB_STATES } from '../src/state.js';
import { z } from 'zod';

const defaults = { jobName: 'default', retry: { attempts: 3 }, timeoutMs: null, webhook: null };
const schema = z.object({ meetingId: z.string(), audioSeconds: z.number().positive() });

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toBeInstanceOf(WaitlineError);
    expect((err as ValidationError).code).toBe('VALIDATION');
    return err as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('input validation', () => {
  it.each([
    ['a string payload', 'hello'],
    ['null', null],
    ['an array', [1]],
    ['a class instance', new Date()],
  ])('rejects %s as a payload', (_, payload) => {
    expect(rejection(() => buildNewJob(undefined, defaults, payload, {}, 0)).path).toEqual(['payload']);
  });

  it('names the path of a payload field failing the schema', () => {
    const err = rejection(() => buildNewJob(schema, defaults, { meetingId: 'm', audioSeconds: -1 }, {}, 0));
    expect(err.path).toEqual(['payload', 'audioSeconds']);
    expect(err.message).toContain('payload.audioSeconds');
  });

  it('roots bulk paths at the job index', () => {
    const err = rejection(() => buildNewJob(schema, defaults, { meetingId: 1 }, {}, 0, ['jobs', 7]));
    expect(err.path).toEqual(['jobs', 7, 'payload', 'meetingId']);
  });

  it.each([
    [{ priority: 0 }, ['options', 'priority']],
    [{ priority: 2.5 }, ['options', 'priority']],
    [{ priority: 1001 }, ['options', 'priority']],
    [{ delayMs: -1 }, ['options', 'delayMs']],
    [{ delayMs: Number.POSITIVE_INFINITY }, ['options', 'delayMs']],
    [{ timeoutMs: 0 }, ['options', 'timeoutMs']],
    [{ timeoutMs: Number.NaN }, ['options', 'timeoutMs']],
    [{ size: -3 }, ['options', 'size']],
    [{ size: Number.POSITIVE_INFINITY }, ['options', 'size']],
    [{ attempts: 0 }, ['options', 'attempts']],
    [{ backoff: { kind: 'linear', delayMs: 5 } }, ['options', 'backoff', 'kind']],
    [{ runAt: new Date(Number.NaN) }, ['options', 'runAt']],
    [{ delayMs: 5, runAt: 10 }, ['options', 'runAt']],
    [{ colour: 'red' }, ['options']],
  ])('rejects job options %j at %j', (options, path) => {
    expect(rejection(() => parseJobOptions(options)).path).toEqual(path);
  });

  it('rejects invalid queue names and worker options', () => {
    expect(rejection(() => parseQueueName('')).path).toEqual(['name']);
    expect(rejection(() => parseQueueName('bad name!')).path).toEqual(['name']);
    expect(rejection(() => parseWorkerOptions({ concurrency: 0 })).path).toEqual(['options', 'concurrency']);
    expect(rejection(() => parseWorkerOptions({ leaseMs: -5 })).path).toEqual(['options', 'leaseMs']);
    for (const prefetch of [-1, 1.5, 1_001, '10']) expect(rejection(() => parseWorkerOptions({ prefetch } as never)).path).toEqual(['options', 'prefetch']);
    expect(() => parseWorkerOptions({ prefetch: 0 })).not.toThrow();
    expect(() => parseWorkerOptions({ prefetch: 1_000 })).not.toThrow();
  });

  it('resolves defaults and delays', () => {
    const job = buildNewJob(schema, defaults, { meetingId: 'm', audioSeconds: 3 }, { delayMs: 500, size: 3 }, 1000);
    expect(job).toMatchObject({ name: 'default', priority: 2, runAt: 1500, maxAttempts: 3, size: 3, timeoutMs: null, backoff: null });
    expect(buildNewJob(undefined, defaults, {}, { runAt: new Date(5000) }, 1000).runAt).toBe(5000);
    expect(buildNewJob(undefined, defaults, {}, { runAt: 10 }, 1000).runAt).toBe(1000);
  });
});

describe('ordering and lifecycle', () => {
  it('orders by priority descending, then runAt, then seq', () => {
    const jobs = [
      { id: 'a', priority: 2, runAt: 5, seq: 1 },
      { id: 'b', priority: 4, runAt: 9, seq: 2 },
      { id: 'c', priority: 2, runAt: 5, seq: 0 },
      { id: 'd', priority: 2, runAt: 1, seq: 3 },
    ];
    expect([...jobs].sort(compareJobOrder).map((j) => j.id)).toEqual(['b', 'd', 'c', 'a']);
  });

  it('allows only the documented transitions', () => {
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('cancelled', 'completed')).toBe(false);
    expect(canTransition('completed', 'queued')).toBe(false);
    expect(canTransition('failed', 'queued')).toBe(true);
    for (const s of JOB_STATES) expect(canTransition(s, s)).toBe(false);
  });
});

describe('job ids', () => {
  it('are UUIDv7: version 7, RFC variant, ordered by creation time, unique', async () => {
    const { uuidv7 } = await import('../src/ids.js');
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(a.slice(0, 13)).toBe('018bcfe5-6800');
    const many = new Set(Array.from({ length: 5_000 }, () => uuidv7(1_700_000_000_000)));
    expect(many.size).toBe(5_000);
  });
});
