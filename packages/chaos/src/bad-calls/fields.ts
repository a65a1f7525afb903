/**
 * What the families of bad calls share: a field with its bad values, and a family built from
 * generated calls.
 * @internal
 */
import fc from 'fast-check';
import type { BadCall, CallContext } from './call.js';
import { nonFinite, notANumber, notAString, badLength } from './values.js';

export const TIMER_MAX = 2 ** 31 - 1;
export type Field = [string, fc.Arbitrary<unknown>];

/** A field with its bad values (wrong type, and the numbers out of its range). */
export const num = (field: string, ...bad: fc.Arbitrary<unknown>[]): Field => [field, fc.oneof(notANumber, nonFinite, ...bad)];
/** A number field where `null` is valid (it removes a limit: `concurrency`, `maxSize`). */
export const nullableNum = (field: string, ...bad: fc.Arbitrary<unknown>[]): Field => [
  field,
  fc.oneof(
    notANumber.filter((v) => v !== null),
    nonFinite,
    ...bad,
  ),
];
export const str = (field: string, max: number): Field => [field, fc.oneof(notAString, badLength(max))];

/** A family of bad calls: each generated call with its label, all expected to end as `expect` says. */
export const add = (family: string, expect: BadCall['expect'], gen: fc.Arbitrary<{ label: string; call: (ctx: CallContext) => Promise<unknown> }>) =>
  gen.map(({ label, call }): BadCall => ({ family, label, expect, run: call }));
