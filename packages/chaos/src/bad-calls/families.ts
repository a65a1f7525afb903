/**
 * Families of generated bad calls through the public API only (`Queue`, `Worker`, the storages'
 * `open`). Every family knows what it generates: an input the documented contract refuses, and
 * how a correct refusal looks (see `call.ts`). Numbers are refused past the bounds the issue
 * names (timeouts above 2^31-1 ms, delays and `runAt` past any horizon).
 * @internal
 */
import { Queue, Worker } from '@waitline/core';
import fc from 'fast-check';
import { addFamilies, textFamily } from './add-families.js';
import type { BadCall, CallContext } from './call.js';
import { add, type Field, nullableNum, num, str, TIMER_MAX } from './fields.js';
import { badLength, fractional, hostileText, huge, labelled, negative, nonFinite, notANumber, notAnObject, notAString } from './values.js';

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
  // Answered at the first read (JOB_NOT_FOUND, or a validation error before it); the timeout only has
  // to outlast that read on a loaded machine: past it, WAIT_TIMEOUT would count as untyped.
  ['finished', (c, id) => c.queue.finished(id, { timeoutMs: 5_000 })],
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
