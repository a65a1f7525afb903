/**
 * Runs generated calls one by one and classifies each answer:
 * - `typed`: refused with the right typed error (a `WaitlineError` subclass with a code; for
 *   `validation`, a `ValidationError` whose `path` is an array; for `not-found`, that or a
 *   `JobNotFoundError`);
 * - `ok`: accepted with a documented answer: text that reads back exactly, null from `getJob`;
 * - `wrong-code`: refused with a typed error of another kind (the bad value got past validation);
 * - `untyped`: anything else thrown (a `TypeError`, a driver error, a bare `WaitlineError`);
 * - `accepted`: no error for an input the contract refuses, or text that did not read back exactly;
 * - `hung`: no answer within 10 s.
 * Each call also counts the storage's rows before and after: a refused call that wrote is `wrote`.
 * @internal
 */
import { JobNotFoundError, ValidationError, WaitlineError } from '@waitline/core';
import type { BadCall, CallContext } from './call.js';

/** How one call ended. */
export type Verdict = 'typed' | 'ok' | 'wrong-code' | 'untyped' | 'accepted' | 'hung';

/** Counts per family and verdict, rows written by refused calls, and a few examples of each failure. */
export interface Classification {
  total: number;
  counts: Record<Verdict, number>;
  wrote: number;
  byFamily: Map<string, Record<Verdict | 'wrote', number>>;
  examples: Map<string, string[]>;
}

const HANG_MS = 10_000;

function verdictOf(call: BadCall, err: unknown): Verdict {
  if (!(err instanceof WaitlineError) || err.constructor === WaitlineError) return 'untyped';
  if (call.expect === 'validation') return err instanceof ValidationError && Array.isArray(err.path) ? 'typed' : 'wrong-code';
  if (call.expect === 'not-found') return err instanceof ValidationError || err instanceof JobNotFoundError ? 'typed' : 'wrong-code';
  return 'typed';
}

async function settle(result: unknown): Promise<void> {
  const closable = result as { close?: (o?: unknown) => Promise<unknown> } | null;
  if (closable && typeof closable === 'object' && typeof closable.close === 'function') await closable.close({ graceMs: 0 });
}

/** Runs one call and classifies it; `error` is what was thrown, for the examples. */
async function runOne(call: BadCall, ctx: CallContext, prepared: unknown): Promise<{ verdict: Verdict; error: unknown; result: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), HANG_MS);
  });
  try {
    const outcome = await Promise.race([call.run(ctx, prepared).then((result) => ({ result })), hang]);
    if (outcome === 'hung') return { verdict: 'hung', error: null, result: null };
    if (call.acceptable?.(outcome.result)) return { verdict: 'ok', error: null, result: outcome.result };
    if (call.expect !== 'round-trip') return { verdict: 'accepted', error: null, result: outcome.result };
    const exact = await call.readsBack?.(ctx, outcome.result);
    return { verdict: exact ? 'ok' : 'accepted', error: exact ? null : 'read back altered', result: outcome.result };
  } catch (err) {
    return { verdict: verdictOf(call, err), error: err, result: null };
  } finally {
    clearTimeout(timer);
  }
}

const describeError = (e: unknown): string =>
  e instanceof Error
    ? `${e.constructor.name}${(e as { code?: unknown }).code ? `[${String((e as { code?: unknown }).code)}]` : ''}: ${e.message.slice(0, 90)}`
    : String(e);

/** Runs `calls` in order against `ctx`, counting rows around each. */
export async function classify(calls: readonly BadCall[], ctx: CallContext, countRows: () => Promise<number>): Promise<Classification> {
  const out: Classification = {
    total: 0,
    counts: { typed: 0, ok: 0, 'wrong-code': 0, untyped: 0, accepted: 0, hung: 0 },
    wrote: 0,
    byFamily: new Map(),
    examples: new Map(),
  };
  for (const call of calls) {
    const prepared = await call.prepare?.(ctx);
    const before = await countRows();
    const { verdict, error, result } = await runOne(call, ctx, prepared);
    await settle(result).catch(() => undefined);
    const refused = verdict !== 'accepted' && verdict !== 'ok';
    const wrote = refused && (await countRows()) > before;
    out.total += 1;
    out.counts[verdict] += 1;
    if (wrote) out.wrote += 1;
    const row = out.byFamily.get(call.family) ?? { typed: 0, ok: 0, 'wrong-code': 0, untyped: 0, accepted: 0, hung: 0, wrote: 0 };
    row[verdict] += 1;
    if (wrote) row.wrote += 1;
    out.byFamily.set(call.family, row);
    if ((verdict !== 'typed' && verdict !== 'ok') || wrote) {
      const key = `${call.family} / ${wrote ? 'wrote' : verdict}`;
      const list = out.examples.get(key) ?? [];
      const example = `${call.label}${error ? ` -> ${describeError(error)}` : ''}`;
      if (list.length < 4 && !list.includes(example)) list.push(example);
      out.examples.set(key, list);
    }
  }
  return out;
}
