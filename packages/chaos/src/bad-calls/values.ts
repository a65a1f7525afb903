/**
 * Hostile values for the generated bad calls: numbers no option can hold, values of the wrong
 * type, payloads JSON cannot carry exactly, and text with NUL or lone surrogates. Each arbitrary
 * yields a value and a label saying what it is, for the classifier's examples.
 * @internal
 */
import fc from 'fast-check';

/** A value and what it is. */
export interface Labelled<T = unknown> {
  value: T;
  label: string;
}

const show = (v: unknown): string => {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'string') return JSON.stringify(v.length > 24 ? `${v.slice(0, 24)}…(${v.length})` : v);
  if (v instanceof Map) return 'a Map';
  if (v instanceof Set) return 'a Set';
  if (v instanceof Date) return 'a Date';
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v !== null && typeof v === 'object') return Object.getPrototypeOf(v) === Object.prototype ? `{${Object.keys(v).join(',')}}` : 'a class instance';
  return String(v);
};

/** Labels each value by its printed form. */
export const labelled = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Labelled<T>> => arb.map((value) => ({ value, label: show(value) }));

class Opaque {
  x = 1;
}

/** Values of the wrong type for a field that wants a number. */
export const notANumber = fc.constantFrom<unknown>('5', '', null, true, false, {}, [], [5], () => 5, Symbol('s'), 5n, new Date(0));

/** Values of the wrong type for a field that wants a string. */
export const notAString = fc.constantFrom<unknown>(5, 0, null, true, {}, [], ['a'], () => 'a', Symbol('s'), 5n, new Opaque());

/** Values of the wrong type for a field that wants an object (options, payloads). */
export const notAnObject = fc.constantFrom<unknown>(null, 5, 0, '', 'x', true, false, [], [1], () => ({}), Symbol('s'), 5n, new Map(), new Set());

/** NaN and the infinities. */
export const nonFinite = fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);

/** Negative numbers, integer or not. */
export const negative = fc.oneof(fc.integer({ min: -1e9, max: -1 }), fc.double({ max: -1e-9, min: -1e300, noNaN: true }));

/** Numbers past any time horizon a storage or Node's timers can hold (more than 31,000 years of ms). */
export const huge = fc.double({ min: 1e15, max: 1e300, noNaN: true });

/** Positive numbers that are not integers. */
export const fractional = fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((n) => !Number.isInteger(n));

/** Strings a string field refuses on length: empty, or longer than `max`. */
export const badLength = (max: number) => fc.oneof(fc.constant(''), fc.string({ minLength: max + 1, maxLength: max + 40 }));

/** Text JSON-storable in JS but not in every database: NUL and lone surrogates, somewhere inside. */
export const hostileText = fc
  .tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', 'a\u0000b'), fc.string({ maxLength: 8 }))
  .map(([a, bad, b]) => `${a}${bad}${b}`);

/** A value JSON cannot carry exactly (it throws, or comes back different). */
export const unjsonable = fc.constantFrom<unknown>(
  5n,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  () => 1,
  Symbol('s'),
  new Map([['a', 1]]),
  new Set([1]),
  new Opaque(),
  new Uint8Array([1, 2]),
);

/** An object with `bad` at a random depth under random keys (and a cycle when asked). */
export const nestedPayload = (bad: fc.Arbitrary<unknown>) =>
  fc.tuple(fc.array(fc.constantFrom('a', 'b', 'items', 'meta', 'x'), { minLength: 1, maxLength: 4 }), bad, fc.boolean()).map(([keys, value, inArray]) => {
    const root: Record<string, unknown> = { ok: 1 };
    let node: Record<string, unknown> = root;
    for (const k of keys.slice(0, -1)) node = node[k] = { k };
    const last = keys[keys.length - 1] as string;
    node[last] = inArray ? [1, value] : value;
    return root;
  });

/** A payload that refers to itself. */
export const circularPayload = fc.constantFrom('self', 'deep').map((kind) => {
  const root: Record<string, unknown> = { a: 1 };
  if (kind === 'self') root.self = root;
  else root.deep = { inner: [root] };
  return root;
});
