/**
 * Families of generated bad calls through the public API only (`Queue`, `Worker`, the storages'
 * `open`). Every family knows what it generates: an input the documented contract refuses, and
 * how a correct refusal looks (see `call.ts`). Numbers are refused past the bounds the issue
 * names (timeouts above 2^31-1 ms, delays and `runAt` past any horizon).
 * @internal
 */
import { isDeepStrictEqual } from 'node:util';
import { Queue, Worker } from '@waitline/core';
import fc from 'fast-check';
import type { BadCall, CallContext } from './call.js';
import {
  badLength,
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

const TIMER_MAX = 2 ** 31 - 1;
type Field = [string, fc.Arbitrary<unknown>];

/** A field with its bad values (wrong type, and the numbers out of its range). */
const num = (field: string, ...bad: fc.Arbitrary<unknown>[]): Field => [field, fc.oneof(notANumber, nonFinite, ...bad)];
/** A number field where `null` is valid (it removes a limit: `concurrency`, `maxSize`). */
const nullableNum = (field: string, ...bad: fc.Arbitrary<unknown>[]): Field => [
  field,
  fc.oneof(
    notANumber.filter((v) => v !== null),
    nonFinite,
    ...bad,
  ),
];
const str = (field: string, max: number): Field => [field, fc.oneof(notAString, badLength(max))];

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

const add = (family: string, expect: BadCall['expect'], gen: fc.Arbitrary<{ label: string; call: (ctx: CallContext) => Promise<unknown> }>) =>
  gen.map(({ label, call }): BadCall => ({ family, label, expect, run: call }));

/** `add` and `addBulk` with bad payloads, bad options, bad entries. */
const addFamilies: fc.Arbitrary<BadCall>[] = [
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
const textFamily = fc.tuple(fc.constantFrom('payload', 'name', 'idempotencyKey'), hostileText).map(([where, text]): BadCall => {
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

const QUEUE_OPTION_FIELDS: Field[] = [
  nullableNum('concurrency', negative, fractional, fc.constant(0)),
  nullableNum('maxSize', negative, fractional, fc.constant(0)),
  num('timeoutMs', negative, fc.constant(0), fc.integer({ min: TIMER_MAX + 1, max: 1e12 }), huge),
  str('jobName', 200),
  ['retry', fc.oneof(notAnObject, fc.record({ attempts: fc.oneof(negative, fc.constant(0), fractional, nonFinite, notANumber) }))],
  ['payload', fc.oneof(notAnObject, fc.constant({ parse: () => 1 }))],
  ['clock', fc.oneof(notAnObject, fc.constant({ now: 5 }))],
  ['unknownOption', fc.constant(1)],
];

/** `new Queue` with a bad name or bad options (a queue name is letters, digits and . _ : -). */
const queueFamilies: fc.Arbitrary<BadCall>[] = [
  add(
    'new Queue: name',
    'validation',
    labelled(fc.oneof(notAString, badLength(100), hostileText, fc.constantFrom('a b', '-x', 'x/y', 'é', 'x{y}', '*', 'q\n'))).map((b) => ({
      label: `name ${b.label}`,
      call: async (c) => new Queue(c.storage, b.value as string),
    })),
  ),
  add(
    'new Queue: options',
    'validation',
    fc
      .oneof(
        labelled(notAnObject.filter((v) => v !== undefined)).map((b) => ({ value: b.value, label: `options ${b.label}` })),
        fc.oneof(
          ...QUEUE_OPTION_FIELDS.map(([f, bad]) =>
            labelled(bad).map((b) => ({ value: { [f === 'unknownOption' ? 'limit' : f]: b.value }, label: `${f}: ${b.label}` })),
          ),
        ),
      )
      .map((o) => ({ label: o.label, call: async (c) => new Queue(c.storage, 'opts', o.value as never) })),
  ),
];

const WORKER_OPTION_FIELDS: Field[] = [
  num('concurrency', negative, fractional, fc.constant(0), fc.integer({ min: 10_001, max: 1e9 })),
  num('leaseMs', negative, fc.integer({ min: 0, max: 99 }), fractional, fc.integer({ min: 86_400_001, max: 1e12 })),
  num('heartbeatMs', negative, fc.constant(0), fractional, fc.integer({ min: TIMER_MAX + 1, max: 1e12 })),
  num('pollIntervalMs', negative, fc.constant(0), fractional, fc.integer({ min: TIMER_MAX + 1, max: 1e12 })),
  num('shutdownGraceMs', negative, fc.integer({ min: TIMER_MAX + 1, max: 1e12 })),
  num('timeoutGraceMs', negative, fc.integer({ min: TIMER_MAX + 1, max: 1e12 })),
  ['heartbeat', fc.oneof(notAString, fc.constantFrom('both', 'THREAD', ''))],
  ['autostart', fc.constantFrom<unknown>('yes', 1, 0, null)],
  str('workerId', 200),
  [
    'random',
    fc.oneof(
      notAnObject.filter((v) => typeof v !== 'function'),
      fc.constant(0.5),
    ),
  ],
  ['unknownOption', fc.constant(1)],
];

/** `new Worker` with a handler that is not a function, or bad options (never started: autostart is off unless the bad option is autostart). */
const workerFamilies: fc.Arbitrary<BadCall>[] = [
  add(
    'new Worker: handler',
    'validation',
    labelled(notAnObject.filter((v) => typeof v !== 'function')).map((b) => ({
      label: `handler ${b.label}`,
      call: async (c) => new Worker(c.idle, b.value as never, { autostart: false }),
    })),
  ),
  add(
    'new Worker: options',
    'validation',
    fc
      .oneof(
        labelled(notAnObject.filter((v) => v !== undefined && typeof v !== 'function')).map((b) => ({ value: b.value, label: `options ${b.label}` })),
        fc.oneof(
          ...WORKER_OPTION_FIELDS.map(([f, bad]) =>
            labelled(bad).map((b) => ({ value: { autostart: false, [f === 'unknownOption' ? 'slots' : f]: b.value }, label: `${f}: ${b.label}` })),
          ),
        ),
      )
      .map((o) => ({ label: o.label, call: async (c) => new Worker(c.idle, async () => 1, o.value as never) })),
  ),
];

const badId = labelled(fc.oneof(notAString, badLength(200)));
/** Reads that answer null for an id of no job (documented), instead of refusing. */
const NULL_FOR_UNKNOWN = new Set(['getJob', 'getPosition']);
const ID_CALLS: Array<[string, (c: CallContext, id: string) => Promise<unknown>]> = [
  ['getJob', (c, id) => c.queue.getJob(id)],
  ['job', (c, id) => c.queue.job(id)],
  ['getStatus', (c, id) => c.queue.getStatus(id)],
  ['getPosition', (c, id) => c.queue.getPosition(id)],
  ['cancel', (c, id) => c.queue.cancel(id)],
  ['retry', (c, id) => c.queue.retry(id)],
  ['promote', (c, id) => c.queue.promote(id)],
  ['changePriority', (c, id) => c.queue.changePriority(id, 3)],
  ['finished', (c, id) => c.queue.finished(id, { timeoutMs: 300 })],
];

/** Ids that are no id (wrong type, length, text), another queue's job's id, and bad arguments beside a good id. */
const idFamilies: fc.Arbitrary<BadCall>[] = [
  add(
    'ids: malformed',
    'validation',
    fc.tuple(fc.constantFrom(...ID_CALLS), badId).map(([[op, call], b]) => ({
      label: `${op}(${b.label})`,
      call: (c) => call(c, b.value as string),
    })),
  ),
  fc.tuple(fc.constantFrom(...ID_CALLS), hostileText).map(
    ([[op, call], text]): BadCall => ({
      family: 'ids: NUL / lone surrogate',
      label: `${op}(${JSON.stringify(text)})`,
      expect: 'not-found',
      run: (c) => call(c, text),
      acceptable: (result) => NULL_FOR_UNKNOWN.has(op) && result === null,
    }),
  ),
  fc.constantFrom(...ID_CALLS).map(
    ([op, call]): BadCall => ({
      family: "ids: another queue's job",
      label: `${op}(id of a job of another queue)`,
      expect: 'not-found',
      prepare: (c) => c.otherQueueJob(),
      run: (c, id) => call(c, id as string),
      acceptable: (result) => NULL_FOR_UNKNOWN.has(op) && result === null,
    }),
  ),
  add(
    'changePriority: priority',
    'validation',
    labelled(fc.oneof(notANumber, nonFinite, negative, fractional, fc.constant(0), fc.integer({ min: 1001, max: 1e9 }))).map((b) => ({
      label: `changePriority(queued, ${b.label})`,
      call: (c) => c.queue.changePriority(c.queuedId, b.value as number),
    })),
  ),
  add(
    'finished: options',
    'validation',
    fc
      .oneof(
        labelled(notAnObject.filter((v) => v !== null && v !== undefined)).map((b) => ({ value: b.value, label: `options ${b.label}` })),
        labelled(fc.oneof(negative, nonFinite, notANumber, fc.constant(0))).map((b) => ({
          value: { pollMs: b.value, timeoutMs: 200 },
          label: `pollMs: ${b.label}`,
        })),
        labelled(fc.oneof(negative, nonFinite, notANumber, fc.integer({ min: TIMER_MAX + 1, max: 1e12 }))).map((b) => ({
          value: { timeoutMs: b.value },
          label: `timeoutMs: ${b.label}`,
        })),
      )
      .map((o) => ({ label: o.label, call: (c) => c.queue.finished(c.cancelledId, o.value as never) })),
  ),
];

const LIST_FIELDS: Field[] = [
  num('limit', negative, fractional, fc.integer({ min: 1e7, max: 1e12 })),
  num('offset', negative, fractional),
  [
    'states',
    fc.oneof(
      notAnObject.filter((v) => !Array.isArray(v) && v !== undefined),
      fc.constant(['bogus']),
      fc.constant(['queued', 'done']),
      fc.constant([5]),
    ),
  ],
  ['order', fc.oneof(notAString, fc.constantFrom('sideways', 'ASC', ''))],
  ['unknownOption', fc.constant(1)],
];

/** Listing, cleaning and draining with bad options. */
const readFamilies: fc.Arbitrary<BadCall>[] = [
  add(
    'listJobs / listFailed: options',
    'validation',
    fc
      .tuple(
        fc.boolean(),
        fc.oneof(
          labelled(notAnObject.filter((v) => v !== null && v !== undefined && !Array.isArray(v))).map((b) => ({ value: b.value, label: `options ${b.label}` })),
          fc.oneof(
            ...LIST_FIELDS.map(([f, bad]) =>
              labelled(bad).map((b) => ({ value: { [f === 'unknownOption' ? 'size' : f]: b.value }, label: `${f}: ${b.label}` })),
            ),
          ),
        ),
      )
      .map(([failed, o]) => ({
        label: `${failed ? 'listFailed' : 'listJobs'} ${o.label}`,
        call: (c) => (failed ? c.queue.listFailed(o.value as never) : c.queue.listJobs(o.value as never)),
      })),
  ),
  add(
    'clean: options',
    'validation',
    fc
      .oneof(
        labelled(fc.oneof(notAnObject, fc.constant(undefined))).map((b) => ({ value: b.value, label: `clean(${b.label})` })),
        labelled(fc.oneof(notAString, fc.constantFrom('bogus', 'running', 'COMPLETED', ''))).map((b) => ({
          value: { state: b.value },
          label: `state: ${b.label}`,
        })),
        labelled(fc.oneof(negative, nonFinite, notANumber, huge)).map((b) => ({
          value: { state: 'completed', olderThanMs: b.value },
          label: `olderThanMs: ${b.label}`,
        })),
      )
      .map((o) => ({ label: o.label, call: (c) => c.queue.clean(o.value as never) })),
  ),
  add(
    'drain: options',
    'validation',
    fc
      .oneof(
        labelled(fc.oneof(negative, nonFinite, notANumber)).map((b) => ({ value: { timeoutMs: b.value, pollMs: 50 }, label: `timeoutMs: ${b.label}` })),
        labelled(fc.oneof(negative, nonFinite, notANumber, fc.constant(0))).map((b) => ({
          value: { pollMs: b.value, timeoutMs: 200 },
          label: `pollMs: ${b.label}`,
        })),
      )
      .map((o) => ({ label: o.label, call: (c) => c.queue.drain(o.value as never) })),
  ),
];

/** A storage's `open` with bad options: the fields every storage has, and each storage's own. */
export function openFamily(storage: 'sqlite' | 'postgres' | 'redis'): fc.Arbitrary<BadCall> {
  const own: Record<typeof storage, Field[]> = {
    sqlite: [
      ['path', fc.oneof(notAString, fc.constant(''))],
      num('busyTimeoutMs', negative, fractional, fc.integer({ min: TIMER_MAX + 1, max: 1e12 })),
      ['synchronous', fc.oneof(notAString, fc.constantFrom('OFF', 'normal', ''))],
    ],
    postgres: [['schema', fc.oneof(notAString, fc.constantFrom('', 'a b', 'x"; drop', '1x', 'é'), hostileText, badLength(40))]],
    redis: [['prefix', fc.oneof(notAString, fc.constantFrom('', 'a b', 'x{y', 'x*', 'é'), hostileText, badLength(100))]],
  };
  const fields: Field[] = [...own[storage], ['migrate', fc.constantFrom<unknown>('yes', 1, 0, null, {})]];
  return fc
    .oneof(
      labelled(notAnObject.filter((v) => v !== undefined)).map((b) => ({ value: b.value, label: `open(${b.label})` })),
      fc.oneof(...fields.map(([f, bad]) => labelled(bad).map((b) => ({ value: { [f]: b.value }, label: `${f}: ${b.label}` })))),
    )
    .map((o): BadCall => ({ family: `${storage}: open options`, label: o.label, expect: 'validation', run: (c) => c.open(o.value) }));
}

/** Every family, each drawn about equally often. */
export function allFamilies(storage: 'sqlite' | 'postgres' | 'redis'): fc.Arbitrary<BadCall> {
  return fc.oneof(...addFamilies, textFamily, ...queueFamilies, ...workerFamilies, ...idFamilies, ...readFamilies, openFamily(storage));
}
