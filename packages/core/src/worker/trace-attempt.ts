/**
 * The CONSUMER span of one attempt, `waitline.process <queue>`: a child of the job's stored
 * `traceparent` (the add's span, or the context the caller gave), else a root span. The handler
 * runs with it active, so the spans the handler starts nest under it; it ends when the attempt's
 * outcome is decided, saying which outcome in `waitline.outcome`. Without `@opentelemetry/api`
 * nothing is started; a throw of the API is swallowed and reported once to the worker's logger.
 * @internal
 * @module
 */
import type { AbortKind } from '../errors.js';
import type { JobRecord } from '../job-record.js';
import type { Logger } from '../logger.js';
import { guarded, markFailed, type Otel, type OtelSpan, otel, TRACER_NAME, tracingFailed, within } from '../tracing.js';
import { parseTraceparent } from '../traceparent.js';
import type { Outcome } from './attempt.js';

/**
 * How an attempt ended, as `waitline.outcome` tells it: `completed`; `retry` (failed, another
 * attempt is scheduled); `failed` (for good); `timed_out` (its timeout fired; retried or not);
 * `cancelled`; `released` (the worker shut down and handed the job back); `lease_lost` (another
 * worker owns the job now). @internal
 */
export type AttemptOutcome = 'completed' | 'retry' | 'failed' | 'timed_out' | 'cancelled' | 'released' | 'lease_lost';

/** One attempt's span, or nothing when tracing is off. @internal */
export interface AttemptTrace {
  /** Calls `handler` on a later microtask (a synchronous throw becomes a rejection), with the span active. */
  invoke<T>(handler: () => T | Promise<T>): Promise<T>;
  /** Ends the span with the attempt's outcome; ERROR status and the exception for a failure or a lost lease. */
  end(outcome: Outcome, abortKind: AbortKind | undefined): void;
}

const later = <T>(handler: () => T | Promise<T>): Promise<T> => Promise.resolve().then(handler);

const UNTRACED: AttemptTrace = { invoke: later, end: () => undefined };

/** The value of `waitline.outcome` for an attempt's outcome. @internal */
export function attemptOutcome(outcome: Outcome, abortKind: AbortKind | undefined): AttemptOutcome {
  switch (outcome.kind) {
    case 'completed':
    case 'cancelled':
    case 'released':
      return outcome.kind;
    case 'dropped':
      return 'lease_lost';
    case 'failed':
      if (abortKind === 'timeout') return 'timed_out';
      return outcome.item.retryAt === null ? 'failed' : 'retry';
  }
}

/** Starts the span of `job`'s current attempt on `workerId`. Never throws. @internal */
export function traceAttempt(job: JobRecord, workerId: string, logger: Logger): AttemptTrace {
  const api = otel();
  if (api === null) return UNTRACED;
  try {
    const parts = parseTraceparent(job.traceparent);
    const parent = parts ? api.trace.setSpanContext(api.ROOT_CONTEXT, { ...parts, isRemote: true }) : api.ROOT_CONTEXT;
    const span = api.trace.getTracer(TRACER_NAME).startSpan(
      `waitline.process ${job.queue}`,
      {
        kind: api.SpanKind.CONSUMER,
        root: parts === null,
        attributes: {
          'messaging.system': 'waitline',
          'messaging.destination.name': job.queue,
          'messaging.operation.type': 'process',
          'messaging.operation.name': 'process',
          'messaging.message.id': job.id,
          'waitline.job.name': job.name,
          'waitline.job.attempt': job.attempt,
          'waitline.job.max_attempts': job.maxAttempts,
          'waitline.worker.id': workerId,
        },
      },
      parent,
    );
    const ctx = api.trace.setSpan(parent, span);
    return {
      invoke: (handler) => within(api, ctx, () => later(handler), logger),
      end: (outcome, abortKind) => guarded(() => endAttempt(api, span, outcome, abortKind), logger),
    };
  } catch (err) {
    tracingFailed(err, logger);
    return UNTRACED;
  }
}

function endAttempt(api: Otel, span: OtelSpan, outcome: Outcome, abortKind: AbortKind | undefined): void {
  span.setAttribute('waitline.outcome', attemptOutcome(outcome, abortKind));
  if (outcome.kind === 'failed') {
    const { name, message, code, stack } = outcome.item.error;
    markFailed(api, span, { name, message, ...(code === undefined ? {} : { code }), ...(stack === undefined ? {} : { stack }) });
  } else if (outcome.kind === 'dropped') {
    markFailed(api, span, { name: 'LeaseLostError', message: `the lease on job "${outcome.id}" was lost`, code: 'LEASE_LOST' });
  }
  span.end();
}
