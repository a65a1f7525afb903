/**
 * OpenTelemetry tracing, when `@opentelemetry/api` is installed (an optional peer): a PRODUCER
 * span around each `add`/`addBulk`, whose context each new job carries as its W3C `traceparent`,
 * and the helpers the worker's CONSUMER span (`worker/trace-attempt.ts`) shares.
 *
 * The API is loaded once, on first use after something registered with it, with `require`
 * (`createRequire`, so the ESM and CJS builds behave alike); when it is missing, every helper runs
 * the traced work as it is and costs one failed lookup in all. Without a registered tracer
 * provider the API's no-op tracer answers and nothing is recorded (a job then carries no
 * `traceparent`). A throw from the API never reaches the job: it is swallowed, and reported once
 * per logger.
 * @internal
 * @module
 */
import { createRequire } from 'node:module';
import type * as OtelApi from '@opentelemetry/api';
import type { Logger } from './logger.js';
import { formatTraceparent } from './traceparent.js';

/** The OpenTelemetry API module. @internal */
export type Otel = typeof OtelApi;
/** A span, as the API types it. @internal */
export type OtelSpan = OtelApi.Span;
/** A context, as the API types it. @internal */
export type OtelContext = OtelApi.Context;

/** The tracer (instrumentation scope) name of every span Waitline starts. @internal */
export const TRACER_NAME = '@waitline/core';

/** Where every copy of the API 1.x keeps what was registered (tracer provider, context manager). */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

let loaded: Otel | null | undefined;

/**
 * The OpenTelemetry API, or null. Until some copy of the API registered something, tracing would
 * be a no-op, so the API is not even loaded (loading it blocks for tens of ms, and it is often
 * installed without being used); after that it is loaded once, and a failed load stays null.
 * @internal
 */
export function otel(): Otel | null {
  if (loaded !== undefined) return loaded;
  if ((globalThis as Record<symbol, unknown>)[API_GLOBAL] === undefined) return null;
  try {
    loaded = createRequire(import.meta.url)('@opentelemetry/api') as Otel;
  } catch {
    loaded = null;
  }
  return loaded;
}

const warned = new WeakSet<Logger>();

/** Reports a failed OpenTelemetry call once per logger (never throws); without a logger it is dropped. @internal */
export function tracingFailed(err: unknown, logger?: Logger): void {
  if (logger === undefined || warned.has(logger)) return;
  warned.add(logger);
  const error = err instanceof Error ? err : new Error(String(err));
  try {
    logger.warn(`tracing: an OpenTelemetry call threw (${error.message}); jobs go on untraced where it fails, and this is reported once`, error);
  } catch {
    // A logger must never take a job down.
  }
}

/** Runs `body`, swallowing (and reporting) a throw: for OpenTelemetry calls only. @internal */
export function guarded(body: () => void, logger?: Logger): void {
  try {
    body();
  } catch (err) {
    tracingFailed(err, logger);
  }
}

/**
 * Runs `fn` with `ctx` active. A throw of the API before `fn` started is swallowed and `fn` runs
 * without it; `fn`'s own outcome, rejection included, is returned untouched. @internal
 */
export function within<T>(api: Otel, ctx: OtelContext, fn: () => Promise<T>, logger?: Logger): Promise<T> {
  let entered = false;
  try {
    return api.context.with(ctx, () => {
      entered = true;
      return fn();
    });
  } catch (err) {
    if (entered) throw err;
    tracingFailed(err, logger);
    return fn();
  }
}

/** The `traceparent` of a span's context, or null when the context is invalid (no tracer registered). */
function traceparentOf(api: Otel, span: OtelSpan): string | null {
  const sc = span.spanContext();
  return api.isSpanContextValid(sc) ? formatTraceparent(sc) : null;
}

/** What a span records of a thrown value. */
function exceptionOf(err: unknown): OtelApi.Exception {
  if (err instanceof Error) return err;
  return { name: 'NonError', message: typeof err === 'string' ? err : String(err) };
}

/**
 * Marks a span failed with `err`: an exception event, `error.type` (the error's string `code`,
 * else its name) and status ERROR with its message. @internal
 */
export function markFailed(api: Otel, span: OtelSpan, err: OtelApi.Exception): void {
  span.recordException(err);
  const e = typeof err === 'string' ? { message: err } : err;
  span.setAttribute('error.type', typeof e.code === 'string' ? e.code : (e.name ?? 'Error'));
  span.setStatus(e.message === undefined ? { code: api.SpanStatusCode.ERROR } : { code: api.SpanStatusCode.ERROR, message: e.message });
}

/** One `add` or `addBulk` call, as its span describes it. @internal */
export interface AddCall {
  queue: string;
  count: number;
  bulk: boolean;
}

interface StartedAdd {
  api: Otel;
  span: OtelSpan;
  ctx: OtelContext;
  traceparent: string | null;
}

function startAdd(call: AddCall): StartedAdd | null {
  const api = otel();
  if (api === null) return null;
  try {
    const attributes: OtelApi.Attributes = {
      'messaging.system': 'waitline',
      'messaging.destination.name': call.queue,
      'messaging.operation.type': 'send',
      'messaging.operation.name': call.bulk ? 'addBulk' : 'add',
    };
    if (call.bulk) attributes['messaging.batch.message_count'] = call.count;
    const parent = api.context.active();
    const span = api.trace.getTracer(TRACER_NAME).startSpan(`waitline.add ${call.queue}`, { kind: api.SpanKind.PRODUCER, attributes }, parent);
    return { api, span, ctx: api.trace.setSpan(parent, span), traceparent: traceparentOf(api, span) };
  } catch (err) {
    tracingFailed(err);
    return null;
  }
}

/**
 * Runs one add inside a PRODUCER span `waitline.add <queue>` (active while `run` builds and writes
 * the jobs), handing `run` the span's `traceparent` for the jobs that bring none of their own (null
 * when nothing is traced). The span ends when `run` settles: with `messaging.message.id` for a
 * single job, or ERROR status and the exception when `run` throws (which is rethrown as it was).
 * Without `@opentelemetry/api`, `run(null)` is all that happens.
 * @internal
 */
export async function traceAdd<T extends ReadonlyArray<{ id: string }>>(call: AddCall, run: (traceparent: string | null) => Promise<T>): Promise<T> {
  const started = startAdd(call);
  if (started === null) return run(null);
  const { api, span } = started;
  let result: T;
  try {
    result = await within(api, started.ctx, () => run(started.traceparent));
  } catch (err) {
    guarded(() => {
      markFailed(api, span, exceptionOf(err));
      span.end();
    });
    throw err;
  }
  guarded(() => {
    if (result.length === 1) span.setAttribute('messaging.message.id', (result[0] as { id: string }).id);
    span.end();
  });
  return result;
}
