/**
 * One attempt of one job: the handler's signal, its timeout and grace period, and the outcome the
 * worker settles.
 * @internal
 * @module
 */
import { computeRetryDelay } from '../backoff.js';
import { type AbortKind, JobAbortedError, PermanentJobError, RetryPolicyError } from '../errors.js';
import type { JobErrorInfo, JobRecord } from '../job-record.js';
import { findJsonProblem } from '../json-value.js';
import { MAX_ERROR_TEXT, MAX_RUN_AT, MAX_TIMER_MS, sanitizeText, truncateText } from '../limits.js';
import type { BeatReport } from '../heartbeat/beat.js';
import type { CancelAckItem, CompleteItem, FailItem, LeaseRef } from '../storage.js';

/** What the worker does with a finished attempt. @internal */
export type Outcome =
  | { kind: 'completed'; item: CompleteItem }
  | { kind: 'failed'; item: FailItem }
  | { kind: 'cancelled'; item: CancelAckItem }
  | { kind: 'released'; item: LeaseRef }
  /** The lease was lost: the job is someone else's now, nothing may be written. */
  | { kind: 'dropped'; id: string };

/** What a finished handler did. @internal */
type HandlerEnd = { ok: true; value: unknown } | { ok: false; error: unknown } | { forced: true };

/** The policy inputs of classifying an attempt. @internal */
export interface AttemptPolicy {
  now: () => number;
  random: () => number;
  customBackoff?: ((ctx: { attempt: number; error: unknown }) => number | null) | undefined;
}

/** A running attempt: its abort signal, and how it is forced to end when the handler ignores the signal. @internal */
export class ActiveAttempt {
  abortKind: AbortKind | undefined;
  /** Heartbeats in a row that did not renew this job's lease. */
  missedBeats = 0;
  /** When the handler started, for a job held after its claim (prefetched): settled as `startedAt`. */
  heldStart: number | undefined;
  private forceEnd: (() => void) | undefined;
  private readonly forced: Promise<HandlerEnd>;
  private timers: NodeJS.Timeout[] = [];
  private controller: AbortController | undefined;
  private reason: JobAbortedError | undefined;
  /** Resolves when the handler itself returns or throws, which a forced end does not wait for. */
  handlerSettled: Promise<void> = Promise.resolve();

  constructor(
    readonly record: JobRecord,
    readonly leaseToken: string,
    private readonly graceMs: number,
  ) {
    this.forced = new Promise<HandlerEnd>((resolve) => {
      this.forceEnd = () => resolve({ forced: true });
    });
  }

  /**
   * The handler's signal, made on its first read (already aborted when read after `abort`): most
   * handlers never read it, and making one costs more than the rest of an attempt's bookkeeping.
   */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts the handler's signal with a typed reason; ends the attempt after the grace period (at once for shutdown and lease loss). */
  abort(kind: AbortKind): void {
    if (this.abortKind) return;
    this.abortKind = kind;
    this.reason = new JobAbortedError(kind, this.record.id, abortMessage(kind, this.record));
    this.controller?.abort(this.reason);
    const grace = kind === 'cancelled' || kind === 'timeout' ? this.graceMs : 0;
    this.later(() => this.forceEnd?.(), grace);
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(fn, ms);
    this.timers.push(t);
  }

  /**
   * Runs the handler until it settles or the attempt is forced to end. A stored `timeoutMs` past
   * Node's timer limit (written before it was validated) is held to that limit rather than
   * overflowing into a 1 ms timer.
   */
  async run(invoke: () => Promise<unknown>): Promise<HandlerEnd> {
    const { timeoutMs } = this.record;
    if (timeoutMs !== null) this.later(() => this.abort('timeout'), Math.min(timeoutMs, MAX_TIMER_MS));
    const handled = invoke().then(
      (value): HandlerEnd => ({ ok: true, value }),
      (error): HandlerEnd => ({ ok: false, error }),
    );
    this.handlerSettled = handled.then(() => undefined);
    try {
      return await Promise.race([handled, this.forced]);
    } finally {
      for (const t of this.timers) clearTimeout(t);
    }
  }

  /**
   * Turns how the handler ended into what the worker settles. Once the signal was aborted, how the
   * handler ends does not change the outcome: a cancel is acknowledged, a timeout is a failed
   * attempt (a handler that returns partial work on the abort has not completed), a shutdown
   * hands the job back unrun, a lost lease writes nothing. Otherwise a result JSON cannot carry
   * exactly fails the attempt (like a thrown error) with a `ValidationError` at
   * `['result', ...]`; a handler that returns nothing stores null.
   */
  classify(end: HandlerEnd, policy: AttemptPolicy): Outcome {
    const ref = { id: this.record.id, leaseToken: this.leaseToken };
    const kind = this.abortKind;
    if (kind === 'lease-lost') return { kind: 'dropped', id: ref.id };
    if (kind === 'cancelled') {
      const error = 'ok' in end && !end.ok ? errorInfo(end.error, this.record.attempt, policy.now()) : null;
      return { kind: 'cancelled', item: { ...ref, error } };
    }
    if (kind === 'shutdown') return { kind: 'released', item: ref };
    if (kind === 'timeout' || 'forced' in end) return this.failure(ref, this.reason, policy);
    if (!end.ok) return this.failure(ref, end.error, policy);
    const result = end.value ?? null;
    const problem = findJsonProblem(result, ['result'], 'result');
    return problem ? this.failure(ref, problem, policy) : { kind: 'completed', item: { ...ref, result } };
  }

  /**
   * A failed attempt: retried at a time its backoff computes (never past `MAX_RUN_AT`), or failed
   * for good when attempts ran out, the error is permanent, the backoff said stop, or the backoff
   * itself could not decide (`RetryPolicyError`, recorded in place of the handler's error).
   */
  private failure(ref: LeaseRef, error: unknown, policy: AttemptPolicy): Outcome {
    const now = policy.now();
    const { attempt, maxAttempts, backoff } = this.record;
    let retryAt: number | null = null;
    let recorded = error;
    if (!(error instanceof PermanentJobError) && attempt < maxAttempts) {
      try {
        const delay = computeRetryDelay(backoff, { attempt, error }, policy.random, policy.customBackoff);
        retryAt = delay === null ? null : Math.min(MAX_RUN_AT, Math.round(now) + delay);
      } catch (err) {
        if (!(err instanceof RetryPolicyError)) throw err;
        recorded = err;
      }
    }
    return { kind: 'failed', item: { ...ref, error: errorInfo(recorded, attempt, now), retryAt } };
  }
}

function abortMessage(kind: AbortKind, record: JobRecord): string {
  switch (kind) {
    case 'cancelled':
      return `job "${record.id}" was cancelled`;
    case 'timeout':
      return `job "${record.id}" timed out after ${record.timeoutMs} ms`;
    case 'shutdown':
      return `the worker running job "${record.id}" is shutting down`;
    case 'lease-lost':
      return `the lease on job "${record.id}" was lost`;
  }
}

/**
 * What is stored of an error: its name, message, code and stack, each with NUL and lone
 * surrogates replaced by U+FFFD. These are diagnostics, so they are kept rather than refused, and
 * a settle is never rejected for them. A `RetryPolicyError` keeps its cause's stack after its own.
 * @internal
 */
export function errorInfo(error: unknown, attempt: number, at: number): JobErrorInfo {
  const max = MAX_ERROR_TEXT;
  if (error instanceof Error) {
    const info: JobErrorInfo = { name: text(() => error.name, 'Error', max.name), message: text(() => error.message, '', max.message), attempt, at };
    const code = codeOf(error);
    if (code !== undefined) info.code = code;
    const stack = text(() => error.stack ?? '', '', Number.POSITIVE_INFINITY);
    if (stack) info.stack = truncateText(stack + causeStack(error), max.stack);
    return info;
  }
  return { name: 'NonError', message: text(() => safeString(error), 'an unprintable value', max.message), attempt, at };
}

/**
 * A property of a thrown value as storable text of at most `max` code units; a getter that throws
 * or a non-string gives `fallback`.
 */
function text(read: () => unknown, fallback: string, max: number): string {
  try {
    const value = read();
    return truncateText(sanitizeText(typeof value === 'string' ? value : String(value)), max);
  } catch {
    return fallback;
  }
}

/** The error's string `code` as storable text, if it has one (a throwing getter counts as none). */
function codeOf(error: Error): string | undefined {
  try {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? truncateText(sanitizeText(code), MAX_ERROR_TEXT.code) : undefined;
  } catch {
    return undefined;
  }
}

function causeStack(error: Error): string {
  if (!(error instanceof RetryPolicyError) || !(error.cause instanceof Error)) return '';
  const cause = error.cause;
  return `\nCaused by: ${text(() => cause.stack ?? cause.message, '', MAX_ERROR_TEXT.stack)}`;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

/**
 * Acts on a heartbeat for the attempts running here: aborts those with a cancel request, and those
 * whose lease two heartbeats in a row did not renew although they were claimed before the first
 * (another worker reclaimed them). @internal
 */
export function applyBeat(report: BeatReport, active: ReadonlyMap<string, ActiveAttempt>): void {
  for (const id of report.cancelRequested) active.get(id)?.abort('cancelled');
  const renewed = new Set(report.renewed);
  for (const [id, attempt] of active) {
    if (renewed.has(id)) attempt.missedBeats = 0;
    else if ((attempt.record.startedAt ?? 0) < report.at && ++attempt.missedBeats >= 2) attempt.abort('lease-lost');
  }
}
