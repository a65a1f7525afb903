/**
 * The W3C `traceparent` rules core applies before any write, and how an attempt's outcome is
 * named on its span. Spans themselves are checked on every storage by the contract's tracing area.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import type { EnqueueParams } from '../src/storage.js';
import { Queue } from '../src/queue.js';
import { formatTraceparent, isTraceparent, parseTraceparent } from '../src/traceparent.js';
import type { Outcome } from '../src/worker/attempt.js';
import { attemptOutcome } from '../src/worker/trace-attempt.js';
import { recordingStorage } from './recording-storage.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('traceparent', () => {
  it('accepts version 00 with lowercase ids that are not all zero, and parses its parts', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.traceFlags).toBe(0);
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-ff`)?.traceFlags).toBe(255);
  });

  it.each([
    ['uppercase hex', VALID.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 01 with extra fields', `01-${TRACE_ID}-${SPAN_ID}-01-xyz`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['one-digit flags', `00-${TRACE_ID}-${SPAN_ID}-1`],
    ['surrounding space', ` ${VALID}`],
    ['a trailing newline', `${VALID}\n`],
    ['nothing', ''],
  ])('refuses %s', (_what, value) => {
    expect(isTraceparent(value)).toBe(false);
    expect(parseTraceparent(value)).toBeNull();
  });

  it('formats every valid span context so that it parses back to the same parts', () => {
    const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
    const parts = fc.record({ traceId: hex(32), spanId: hex(16), traceFlags: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(parts, (p) => {
        const valid = /[1-9a-f]/.test(p.traceId) && /[1-9a-f]/.test(p.spanId);
        const text = formatTraceparent(p);
        expect(text === null ? null : parseTraceparent(text)).toEqual(valid ? p : null);
      }),
    );
  });
});

describe('the traceparent job option', () => {
  const queue = () => {
    const rec = recordingStorage();
    return { rec, q: new Queue(rec.storage, 'q', { clock: { now: () => 1_700_000_000_000 } }) };
  };
  const enqueued = (calls: Array<{ method: string; params: unknown }>) =>
    calls.filter((c) => c.method === 'enqueue').flatMap((c) => (c.params as EnqueueParams).jobs.map((j) => j.traceparent));

  it('is refused at its path before anything reaches the storage when malformed', async () => {
    const { rec, q } = queue();
    const single = await q.add({}, { traceparent: VALID.toUpperCase() }).catch((e: unknown) => e);
    expect(single).toBeInstanceOf(ValidationError);
    expect((single as ValidationError).path).toEqual(['options', 'traceparent']);
    const bulk = await q.addBulk([{ payload: {} }, { payload: {}, options: { traceparent: 7 as unknown as string } }]).catch((e: unknown) => e);
    expect((bulk as ValidationError).path).toEqual(['jobs', 1, 'options', 'traceparent']);
    expect(rec.calls).toEqual([]);
  });

  it('reaches the storage as given; null and no option store none when no span is active', async () => {
    const { rec, q } = queue();
    await q.addBulk([{ payload: {}, options: { traceparent: VALID } }, { payload: {}, options: { traceparent: null } }, { payload: {} }]);
    expect(enqueued(rec.calls)).toEqual([VALID, null, null]);
  });
});

describe('the outcome an attempt span names', () => {
  const ref = { id: 'j', leaseToken: 't' };
  const error = { name: 'Error', message: 'boom', attempt: 1, at: 0 };
  it.each<[Outcome, Parameters<typeof attemptOutcome>[1], string]>([
    [{ kind: 'completed', item: { ...ref, result: null } }, undefined, 'completed'],
    [{ kind: 'failed', item: { ...ref, error, retryAt: 5 } }, undefined, 'retry'],
    [{ kind: 'failed', item: { ...ref, error, retryAt: null } }, undefined, 'failed'],
    [{ kind: 'failed', item: { ...ref, error, retryAt: 5 } }, 'timeout', 'timed_out'],
    [{ kind: 'failed', item: { ...ref, error, retryAt: null } }, 'timeout', 'timed_out'],
    [{ kind: 'cancelled', item: { ...ref, error: null } }, 'cancelled', 'cancelled'],
    [{ kind: 'released', item: ref }, 'shutdown', 'released'],
    [{ kind: 'dropped', id: 'j' }, 'lease-lost', 'lease_lost'],
  ])('%j (abort %s) is %s', (outcome, abortKind, expected) => {
    expect(attemptOutcome(outcome, abortKind)).toBe(expected);
  });
});
