/**
 * Bad calls of `add` and `addBulk`: bad payloads, bad job options (one bad field at a time), bad
 * bulk entries, and hostile text where a job keeps it.
 * @internal
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { BadCall } from './call.js';
import { add, type Field, num, str, TIMER_MAX } from './fields.js';
import {
  circularPayload,
  fractional,
  hostileText,
  huge,
  labelled,
  negative,
  nestedPayload,
  nonFinite,
  notANumber,
  notAnObject,
  notAString,
  unjsonable,
} from './values.js';

const JOB_OPTION_FIELDS: Field[] = [
  str('name', 200),
  num('priority', negative, fractional, fc.integer({ min: 1001, max: 1e9 }), fc.constant(0)),
  num('delayMs', negative, huge),
  ['runAt', fc.oneof(fc.constantFrom<unknown>('tomorrow', null, true, {}, new Date(Number.NaN)), nonFinite, negative, huge)],
  num('attempts', negative, fractional, fc.constant(0), fc.integer({ min: 1001, max: 1e9 })),
  num('timeoutMs', negative, fc.constant(0), fc.integer({ min: TIMER_MAX + 1, max: 1e12 }), huge),
  num('size', negative, fc.constant(0), huge),
  str('idempotencyKey', 500),
  // null is valid (it stores no trace context); every malformed W3C traceparent is not.
  [
    'traceparent',
    fc.oneof(
      notAString.filter((v) => v !== null),
      fc.constantFrom(
        '',
        'x',
        '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01',
        `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
        `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`,
        '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      ),
      fc.string({ maxLength: 80 }),
    ),
  ],
  [
    'backoff',
    fc.oneof(
      notAnObject,
      fc.record({ kind: fc.constantFrom('fixed'), delayMs: fc.oneof(negative, huge, nonFinite, notANumber) }),
      fc.record({ kind: fc.constantFrom('exponential'), baseMs: fc.oneof(negative, fc.constant(0), huge, nonFinite) }),
      fc.record({
        kind: fc.constantFrom('exponential'),
        baseMs: fc.constant(100),
        jitter: fc.oneof(negative, fc.double({ min: 1.01, max: 1e6, noNaN: true })),
      }),
      fc.record({
        kind: fc.constantFrom('list'),
        delaysMs: fc.oneof(fc.constant([]), fc.array(fc.oneof(negative, huge, nonFinite), { minLength: 1, maxLength: 3 })),
      }),
      fc.record({ kind: fc.constantFrom('custom'), delay: fc.constant(() => 1_000) }),
      fc.record({ kind: fc.constantFrom('linear', 'bogus', '') }),
    ),
  ],
  // null is valid (it turns a queue default off); a URL that is not http(s), events outside the
  // four, and a token that cannot travel in a header are not.
  [
    'webhook',
    fc.oneof(
      notAnObject.filter((v) => v !== null),
      fc.record({
        url: fc.oneof(notAString, fc.constantFrom('', '/relative', 'ftp://h/x', 'file:///etc/passwd', 'javascript:alert(1)', 'http://u:p@h/x', 'http://')),
      }),
      fc.record({
        url: fc.constant('https://h.test/'),
        events: fc.oneof(
          fc.constant([]),
          fc.constant(['started']),
          notAnObject.filter((v) => !Array.isArray(v)),
        ),
      }),
      fc.record({
        url: fc.constant('https://h.test/'),
        token: fc.oneof(
          fc.constantFrom('', 'a b', 'a\r\nx: 1'),
          notAString.filter((v) => v !== undefined),
        ),
      }),
    ),
  ],
  ['unknownOption', fc.oneof(fc.constant(1), fc.constant('x'))],
];

/** Job options with one bad field (or not an object at all). */
const badJobOptions = fc.oneof(
  {
    arbitrary: fc.oneof(
      ...JOB_OPTION_FIELDS.map(([f, bad]) =>
        labelled(bad).map((b) => ({ value: { [f === 'unknownOption' ? 'prio' : f]: b.value }, label: `${f}: ${b.label}` })),
      ),
    ),
    weight: 9,
  },
  { arbitrary: labelled(notAnObject.filter((v) => v !== null)).map((b) => ({ value: b.value, label: `options ${b.label}` })), weight: 1 },
  { arbitrary: fc.constant({ value: { delayMs: 10, runAt: Date.now() + 10 }, label: 'delayMs and runAt' }), weight: 1 },
);

/** Payloads the contract refuses: not a plain object, or not carried exactly by JSON. */
const badPayload = fc.oneof(
  labelled(fc.oneof(notAnObject, fc.constant(undefined), fc.constant(new Date(0)))).map((b) => ({ value: b.value, label: `payload ${b.label}` })),
  labelled(nestedPayload(unjsonable)).map((b) => ({ value: b.value, label: `payload holding ${b.label}` })),
  circularPayload.map((value) => ({ value, label: 'circular payload' })),
);

/** `add` and `addBulk` with bad payloads, bad options, bad entries. */
export const addFamilies: fc.Arbitrary<BadCall>[] = [
  add(
    'add: payload',
    'validation',
    badPayload.map((p) => ({ label: p.label, call: (c) => c.queue.add(p.value as never) })),
  ),
  add(
    'add: job options',
    'validation',
    badJobOptions.map((o) => ({ label: o.label, call: (c) => c.queue.add({ ok: 1 }, o.value as never) })),
  ),
  add(
    'addBulk: argument',
    'validation',
    labelled(
      fc.oneof(
        notAnObject.filter((v) => !Array.isArray(v)),
        fc.constant({ length: 1 }),
      ),
    ).map((b) => ({
      label: `addBulk(${b.label})`,
      call: (c) => c.queue.addBulk(b.value as never),
    })),
  ),
  add(
    'addBulk: one bad entry',
    'validation',
    fc
      .tuple(
        fc.integer({ min: 0, max: 4 }),
        fc.oneof(
          labelled(notAnObject).map((b) => ({ entry: b.value, label: `entry ${b.label}` })),
          badPayload.map((p) => ({ entry: { payload: p.value }, label: p.label })),
          badJobOptions.map((o) => ({ entry: { payload: { ok: 1 }, options: o.value }, label: o.label })),
        ),
      )
      .map(([at, bad]) => ({
        label: `jobs[${at}]: ${bad.label}`,
        call: (c) => c.queue.addBulk([...Array.from({ length: at }, (_, i) => ({ payload: { i } })), bad.entry as never, { payload: { last: 1 } }]),
      })),
  ),
  add(
    'add: options.tx',
    'validation',
    labelled(fc.constantFrom<unknown>(5, 'tx', {}, true)).map((b) => ({
      label: `tx ${b.label}`,
      call: (c) => (c.storage.capabilities.transactionalEnqueue ? c.queue.add({ ok: 1 }, { tx: b.value } as never) : c.queue.add({ ok: 1 }, { tx: b.value })),
    })),
  ),
];

/** Text with NUL or a lone surrogate in a payload, a job name, an idempotency key. */
export const textFamily = fc.tuple(fc.constantFrom('payload', 'name', 'idempotencyKey'), hostileText).map(([where, text]): BadCall => {
  const payload = where === 'payload' ? { text, nested: { list: [text] } } : { ok: 1 };
  const options = where === 'payload' ? undefined : { [where]: text };
  return {
    family: 'text: NUL / lone surrogate',
    label: `${where} ${JSON.stringify(text)}`,
    expect: 'round-trip',
    run: (c) => c.queue.add(payload, options),
    readsBack: async (c, job) => {
      const stored = await c.queue.getJob((job as { id: string }).id);
      if (!stored) return false;
      return where === 'payload' ? isDeepStrictEqual(stored.payload, payload) : (stored as unknown as Record<string, unknown>)[where] === text;
    },
  };
});
