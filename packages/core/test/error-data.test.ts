/**
 * Errors crossing the heartbeat thread's boundary come back as the class they were thrown as, with
 * their code, message, path and own fields: first as data for every exported error class, then
 * through a real heartbeat thread (the built `dist/heartbeat/thread.js`: build core first).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker as ThreadWorker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { fromThreadError, toErrorData } from '../src/error-data.js';
import * as core from '../src/index.js';
import {
  ImportAbortedError,
  ImportConflictError,
  ImportFormatError,
  ImportLineError,
  InvalidTransitionError,
  JobAbortedError,
  JobFailedError,
  JobNotFoundError,
  LeaseLostError,
  PermanentJobError,
  QueueFullError,
  GroupFullError,
  QueueDrainingError,
  SchemaVersionError,
  HeartbeatFallbackError,
  RetryPolicyError,
  SettleRejectedError,
  StorageResetError,
  StorageUnavailableError,
  ValidationError,
  WaitlineError,
  WebhookDeliveryError,
} from '../src/index.js';
import type { FromThread, HeartbeatInit } from '../src/heartbeat/protocol.js';

/** One instance of every exported error class, with non-default fields where it has them. */
const SAMPLES: Record<string, WaitlineError> = {
  WaitlineError: new WaitlineError('WAIT_TIMEOUT', 'timed out waiting', { path: ['x'] }),
  ValidationError: new ValidationError('bad', [
    { path: ['options', 'priority'], message: 'too high' },
    { path: [0], message: 'two' },
  ]),
  QueueFullError: new QueueFullError('q', 10),
  GroupFullError: new GroupFullError('q', 'tenant-1', 5, 2, 'bulk'),
  QueueDrainingError: new QueueDrainingError('q'),
  JobNotFoundError: new JobNotFoundError('j-1'),
  LeaseLostError: new LeaseLostError('j-2'),
  InvalidTransitionError: new InvalidTransitionError('j-3', 'completed', 'queued'),
  SchemaVersionError: new SchemaVersionError('too new', 9, 1),
  StorageUnavailableError: new StorageUnavailableError('down', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }),
  StorageResetError: new StorageResetError('wiped'),
  PermanentJobError: new PermanentJobError('no'),
  JobAbortedError: new JobAbortedError('timeout', 'j-4', 'timed out'),
  JobFailedError: new JobFailedError('j-5', 'cancelled', 'ended cancelled'),
  SettleRejectedError: new SettleRejectedError('j-6', 'refused', { cause: new RangeError('out of range') }),
  RetryPolicyError: new RetryPolicyError('no custom backoff', { cause: new Error('handler failed') }),
  ImportFormatError: new ImportFormatError('format 2 is newer', 2, 1),
  ImportLineError: new ImportLineError(7, 'invalid job line at priority', ['priority']),
  ImportConflictError: new ImportConflictError({
    queue: 'q',
    jobId: 'j-7',
    index: 3,
    by: 'idempotencyKey',
    existingId: 'j-8',
    existingState: 'running',
    reason: 'running',
  }),
  ImportAbortedError: new ImportAbortedError(9, { queues: 1, schedules: 0, jobs: 500, skipped: 2, replaced: 0 }, 'IMPORT_CONFLICT', new Error('conflict'), [
    9,
    'id',
  ]),
  WebhookDeliveryError: new WebhookDeliveryError('webhook POST answered 503', 503),
  HeartbeatFallbackError: new HeartbeatFallbackError('no thread script: renewing from the main thread'),
};

function exportedErrorClasses(): Array<{ name: string }> {
  const values: unknown[] = Object.values(core);
  return values.filter((v): v is { name: string } => typeof v === 'function' && (v === WaitlineError || v.prototype instanceof WaitlineError));
}

/** Code, message, path and every own field of `actual` match `expected`, and so does its class. */
function expectSame(actual: Error, expected: WaitlineError): void {
  expect(actual).toBeInstanceOf(expected.constructor);
  expect(actual.constructor).toBe(expected.constructor);
  expect(actual).toBeInstanceOf(Error);
  const a = actual as WaitlineError;
  expect({ name: a.name, code: a.code, message: a.message, path: a.path }).toEqual({
    name: expected.name,
    code: expected.code,
    message: expected.message,
    path: expected.path,
  });
  expect({ ...a }).toEqual({ ...expected });
}

describe('errors as data (the heartbeat protocol)', () => {
  it('has a sample of every exported error class', () => {
    expect(
      exportedErrorClasses()
        .map((c) => c.name)
        .sort(),
    ).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each(Object.entries(SAMPLES))('rebuilds %s with its class, code, message, path and fields', (_, sample) => {
    const rebuilt = fromThreadError(structuredClone(toErrorData(sample)));
    expectSame(rebuilt, sample);
    expect(rebuilt.stack).toBe(sample.stack);
  });

  it('keeps the cause chain', () => {
    const rebuilt = fromThreadError(structuredClone(toErrorData(SAMPLES.StorageUnavailableError)));
    expect(rebuilt.cause).toBeInstanceOf(Error);
    expect(rebuilt.cause).toMatchObject({ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
  });

  it('turns an error that is not a Waitline error into a StorageUnavailableError caused by it', () => {
    const rebuilt = fromThreadError(structuredClone(toErrorData(new TypeError('x is undefined'))));
    expect(rebuilt).toBeInstanceOf(StorageUnavailableError);
    expect(rebuilt.message).toBe('heartbeat thread: TypeError: x is undefined');
    expect(rebuilt.cause).toMatchObject({ name: 'TypeError', message: 'x is undefined' });
  });

  it('rebuilds a Waitline error of a class errors.ts does not export as a WaitlineError with its code', () => {
    class LocalError extends WaitlineError {}
    const rebuilt = fromThreadError(structuredClone(toErrorData(new LocalError('JOB_FAILED', 'local'))));
    expect(rebuilt.constructor).toBe(WaitlineError);
    expect(rebuilt).toMatchObject({ name: 'LocalError', code: 'JOB_FAILED', message: 'local' });
  });
});

const threadUrl = new URL('../dist/heartbeat/thread.js', import.meta.url);
const fixtureUrl = new URL('./fixtures/failing-storage.mjs', import.meta.url);

/** Runs the built heartbeat thread on the failing storage; resolves with its first error, rebuilt. */
async function firstThreadError(fail: string, atOpen: boolean): Promise<WaitlineError> {
  if (!existsSync(fileURLToPath(threadUrl))) throw new Error(`${threadUrl.href} is missing: build core first (pnpm run build)`);
  const init: HeartbeatInit = {
    descriptor: { moduleUrl: fixtureUrl.href, exportName: 'FailingStorage', options: { fail, atOpen } },
    workerId: 'w',
    queue: 'q',
    leaseMs: 1_000,
    heartbeatMs: 20,
    registration: { id: 'w', queue: 'q', host: 'h', pid: 1, concurrency: 1 },
  };
  const thread = new ThreadWorker(threadUrl, { workerData: init });
  try {
    return await new Promise<WaitlineError>((resolve, reject) => {
      thread.on('message', (m: FromThread) => m.type === 'error' && resolve(fromThreadError(m.error)));
      thread.on('error', reject);
    });
  } finally {
    await thread.terminate();
  }
}

describe('errors from a real heartbeat thread', () => {
  it.each([
    ['unavailable', StorageUnavailableError],
    ['schema', SchemaVersionError],
    ['validation', ValidationError],
    ['reset', StorageResetError],
  ] as const)('a renewal failing with %s arrives as that class', async (fail, cls) => {
    const err = await firstThreadError(fail, false);
    expect(err.constructor).toBe(cls);
    expect(err.stack).toContain('failing-storage.mjs');
  });

  it('keeps the fields and path of what the storage threw', async () => {
    const schema = (await firstThreadError('schema', false)) as SchemaVersionError;
    expect(schema).toMatchObject({ code: 'SCHEMA_VERSION', found: 9, expected: 1, message: 'prefix holds schema version 9, newer than 1' });
    const validation = (await firstThreadError('validation', false)) as ValidationError;
    expect(validation.path).toEqual(['leaseMs']);
    expect(validation.issues).toEqual([{ path: ['leaseMs'], message: 'must be positive' }]);
    const unavailable = await firstThreadError('unavailable', false);
    expect(unavailable.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a failure while reopening the storage arrives typed too', async () => {
    expect((await firstThreadError('unavailable', true)).constructor).toBe(StorageUnavailableError);
  });

  it('any other error arrives as a StorageUnavailableError caused by it', async () => {
    const err = await firstThreadError('foreign', false);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(err.cause).toMatchObject({ name: 'TypeError' });
  });
});
