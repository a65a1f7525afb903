import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { checkJsonValue, findJsonProblem } from '../src/json-value.js';
import { isStorableText, MAX_JSON_DEPTH, sanitizeText, textProblem } from '../src/limits.js';

/** `[1, <hole>, 3]`. */
function sparse(): number[] {
  const a = [1];
  a[2] = 3;
  return a;
}

function problemPath(value: unknown, root: Array<string | number> = ['payload']): ReadonlyArray<string | number> | null {
  const err = findJsonProblem(value, root, 'payload');
  if (err === null) return null;
  expect(err).toBeInstanceOf(ValidationError);
  expect(err.code).toBe('VALIDATION');
  expect(err.issues[0]?.path).toEqual(err.path);
  return err.path;
}

/** Deep equality that tells -0 from 0 apart only where JSON would not (it reads -0 back as 0). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const loneSurrogate = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map((c) => String.fromCharCode(c));

/** A string with a NUL or a lone surrogate somewhere in it. */
const unstorableText = fc
  .tuple(fc.string({ unit: 'grapheme' }), fc.oneof(fc.constant('\u0000'), loneSurrogate), fc.string({ unit: 'grapheme' }))
  .map(([a, bad, b]) => `${a}${bad}${b}`)
  .filter((s) => !isStorableText(s));

describe('the storable-text rule', () => {
  it('accepts any well-formed text without NUL, non-BMP characters and emoji included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(isStorableText(s.replaceAll('\u0000', ''))).toBe(true);
      }),
    );
    expect(isStorableText('😀 𝄞 👩‍👩‍👧 \uD83D\uDE00')).toBe(true);
  });

  it('refuses NUL and lone surrogates wherever they sit, naming the index', () => {
    fc.assert(
      fc.property(unstorableText, (s) => {
        expect(textProblem(s)).toMatch(/at index \d+/);
      }),
    );
    expect(textProblem('ab\u0000')).toContain('NUL character (U+0000) at index 2');
    expect(textProblem('\uDC00x')).toContain('lone surrogate (U+DC00) at index 0');
    expect(textProblem('x\uD83D')).toContain('lone surrogate (U+D83D) at index 1');
    expect(textProblem('\uDE00\uD83D')).toContain('at index 0');
  });

  it('sanitizeText replaces exactly the unstorable units with U+FFFD', () => {
    expect(sanitizeText('a\u0000b\uD800c\uDC00😀')).toBe('a\uFFFDb\uFFFDc\uFFFD😀');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const clean = sanitizeText(s);
        expect(isStorableText(clean)).toBe(true);
        expect(clean.length).toBe(s.length);
        if (isStorableText(s)) expect(clean).toBe(s);
      }),
    );
  });
});

describe('checkJsonValue', () => {
  it('accepts every JSON value and that value reads back equal (-0 as 0, undefined properties dropped)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const clean = JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'string' ? sanitizeText(v) : v)));
        // fc.jsonValue() strings may hold NUL or lone surrogates; their sanitized form is storable.
        expect(findJsonProblem(clean)).toBeNull();
        expect(jsonEqual(clean, JSON.parse(JSON.stringify(clean)))).toBe(true);
      }),
    );
  });

  it('whatever it accepts round-trips exactly through JSON', () => {
    const anything = fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
      withTypedArray: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        if (findJsonProblem(value) === null) expect(jsonEqual(value, JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, unknown, Array<string | number>]>([
    ['NaN', { a: Number.NaN }, ['payload', 'a']],
    ['Infinity', { a: [1, Number.POSITIVE_INFINITY] }, ['payload', 'a', 1]],
    ['-Infinity', { a: { b: Number.NEGATIVE_INFINITY } }, ['payload', 'a', 'b']],
    ['a BigInt', { n: 10n }, ['payload', 'n']],
    ['a function', { f: () => 1 }, ['payload', 'f']],
    ['a symbol', { s: Symbol('x') }, ['payload', 's']],
    ['undefined in an array', { a: [1, undefined] }, ['payload', 'a', 1]],
    ['a hole in a sparse array', { a: sparse() }, ['payload', 'a', 1]],
    ['a Map', { m: new Map([[1, 2]]) }, ['payload', 'm']],
    ['a Set', { s: new Set([1]) }, ['payload', 's']],
    ['a Date', { at: new Date(0) }, ['payload', 'at']],
    ['a class instance', { x: new (class Point {})() }, ['payload', 'x']],
    ['a boxed string', { x: new String('s') }, ['payload', 'x']],
    ['a Buffer', { b: Buffer.from('x') }, ['payload', 'b']],
    ['a NUL in a value', { s: 'a\u0000b' }, ['payload', 's']],
    ['a lone surrogate in a value', { s: ['ok', 'x\uD800'] }, ['payload', 's', 1]],
    ['a NUL in a key', { 'k\u0000': 1 }, ['payload', 'k\u0000']],
    ['a lone surrogate in a key', { nested: { '\uDC00': 1 } }, ['payload', 'nested', '\uDC00']],
    ['a symbol-keyed property', { [Symbol('k')]: 1 }, ['payload']],
  ])('refuses %s with the path of the offending value', (_, value, path) => {
    expect(problemPath(value)).toEqual(path);
  });

  it('refuses a cycle at the reference that closes it, but accepts a value seen twice', () => {
    const a: Record<string, unknown> = { n: 1 };
    a.self = { back: a };
    expect(problemPath(a)).toEqual(['payload', 'self', 'back']);
    const shared = { x: 1 };
    expect(problemPath({ one: shared, two: [shared, shared] })).toBeNull();
  });

  it('refuses nesting deeper than MAX_JSON_DEPTH, accepts it at the limit', () => {
    const nest = (depth: number) => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = [v];
      return v;
    };
    expect(findJsonProblem(nest(MAX_JSON_DEPTH))).toBeNull();
    expect(findJsonProblem(nest(MAX_JSON_DEPTH + 1))?.message).toContain(`deeper than ${MAX_JSON_DEPTH}`);
  });

  it('drops undefined object properties (as JSON does) and accepts -0 and null-prototype objects', () => {
    expect(problemPath({ a: undefined, b: -0, c: Object.assign(Object.create(null), { d: 1 }) })).toBeNull();
  });

  it('turns a throwing getter into a ValidationError at its path', () => {
    const value = {
      get broken(): number {
        throw new Error('nope');
      },
    };
    expect(problemPath(value)).toEqual(['payload', 'broken']);
  });

  it('says what to do with a Date, and checkJsonValue throws the same error', () => {
    expect(() => checkJsonValue({ at: new Date() }, ['payload'], 'payload')).toThrow(/toISOString/);
    expect(() => checkJsonValue({ ok: [1, 'two', null, { three: true }] }, ['payload'])).not.toThrow();
  });
});
