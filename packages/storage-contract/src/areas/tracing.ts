/**
 * Contract area: OpenTelemetry tracing through a real storage. An add under an active span is a
 * PRODUCER span (`waitline.add <queue>`) whose context the job stores as its `traceparent`; each
 * attempt is a CONSUMER span (`waitline.process <queue>`) whose parent is that stored context, and
 * the handler's own spans nest under it. A failing attempt's span is ERROR with the exception; the
 * outcome attribute tells retry, failure, timeout and cancel apart. An explicit `traceparent`
 * round-trips, a malformed one is refused with nothing written, and without a tracer provider (or
 * without `@opentelemetry/api` at all, in a child process) jobs carry none and nothing throws.
 */
import { fileURLToPath } from 'node:url';
import { context, type Span, SpanKind, SpanStatusCode, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type StorageDescriptor, ValidationError } from '@waitline/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harnessCapabilities } from '../capabilities.js';
import { runChildren } from '../children/fork.js';
import { add, claimOne, listAll, newJob, only, settleOk, T0 } from '../fixtures.js';
import type { StorageHarness } from '../harness.js';
import { gate, until, useLive } from '../live.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const EXPLICIT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const MALFORMED: unknown[] = [
  '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // uppercase
  `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, // all-zero trace id
  `00-${TRACE_ID}-${'0'.repeat(16)}-01`, // all-zero span id
  `01-${TRACE_ID}-00f067aa0ba902b7-01`, // another version
  `00-${TRACE_ID}-00f067aa0ba902b7`, // no flags
  `00-${TRACE_ID}-00f067aa0ba902b7-01-extra`,
  '',
  42,
];

/** A tracer provider with an in-memory exporter and an async-local context manager, registered for each test. */
function useTracing(): { spans(): ReadableSpan[]; span(name: string): ReadableSpan; wait(name: string, count?: number): Promise<ReadableSpan[]> } {
  // A provider's shutdown stops its exporter for good: both are new for every test.
  let exporter = new InMemorySpanExporter();
  let provider: BasicTracerProvider | undefined;
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterEach(async () => {
    trace.disable();
    context.disable();
    await provider?.shutdown();
  });
  const named = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);
  return {
    spans: () => exporter.getFinishedSpans(),
    span: (name) => only(named(name)),
    async wait(name, count = 1) {
      await until(() => named(name).length >= count, `${count} finished span(s) "${name}"`, 10_000);
      return named(name);
    },
  };
}

/**
 * A tracer provider whose spans carry a valid context (that of {@link EXPLICIT}) but throw from
 * every other method, as a broken SDK or exporter hook might.
 */
function explodingProvider(): TracerProvider {
  const [, traceId, spanId] = EXPLICIT.split('-') as [string, string, string];
  const span = new Proxy({} as Span, {
    get: (_target, prop) =>
      prop === 'spanContext'
        ? () => ({ traceId, spanId, traceFlags: 1 })
        : () => {
            throw new Error('span exploded');
          },
  });
  return { getTracer: () => ({ startSpan: () => span, startActiveSpan: () => span }) as unknown as Tracer };
}

/** Runs `work` inside a fresh active span of the test's own tracer; returns its result and the span. */
async function underSpan<T>(name: string, work: () => Promise<T>): Promise<{ result: T; parent: Span }> {
  return trace.getTracer('contract').startActiveSpan(name, async (parent) => {
    try {
      return { result: await work(), parent };
    } finally {
      parent.end();
    }
  });
}

/** What untraced.mjs reports. */
interface UntracedReport {
  hidden: boolean;
  registered: boolean;
  loaded: string[];
  traceparents: Array<string | null>;
  results: string[];
}

/** The preload that makes `@opentelemetry/api` unresolvable in a child, as in an app without it. */
const HIDE_OTEL = fileURLToPath(new URL('../children/hide-otel.cjs', import.meta.url));

const traceparentOf = (s: ReadableSpan) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`;

/** Registers the tracing area. */
export function describeTracing(harness: StorageHarness): void {
  describe(`${harness.name}: tracing`, () => {
    const live = useLive(harness);
    const otel = useTracing();

    it('an add under an active span stores its context; the attempt span is its child and the handler spans nest under the attempt', async () => {
      const q = live.queue<{ n: number }>('traced');
      const { result: job, parent } = await underSpan('request', () => q.add({ n: 1 }));
      const addSpan = otel.span(`waitline.add ${q.name}`);
      expect(addSpan.kind).toBe(SpanKind.PRODUCER);
      expect(addSpan.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(addSpan.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(addSpan.attributes).toMatchObject({
        'messaging.system': 'waitline',
        'messaging.destination.name': q.name,
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'add',
        'messaging.message.id': job.id,
      });
      expect(job.record.traceparent).toBe(traceparentOf(addSpan));
      expect((await q.getJob(job.id))?.traceparent).toBe(traceparentOf(addSpan));

      live.worker(q, async (j) =>
        trace.getTracer('contract').startActiveSpan('user-work', (s) => {
          s.end();
          return j.payload.n;
        }),
      );
      await expect(job.finished({ timeoutMs: 10_000 })).resolves.toBe(1);
      const [attemptSpan] = await otel.wait(`waitline.process ${q.name}`);
      expect(attemptSpan?.kind).toBe(SpanKind.CONSUMER);
      expect(attemptSpan?.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(attemptSpan?.parentSpanContext).toMatchObject({ spanId: addSpan.spanContext().spanId, isRemote: true });
      expect(attemptSpan?.attributes).toMatchObject({
        'messaging.system': 'waitline',
        'messaging.destination.name': q.name,
        'messaging.operation.type': 'process',
        'messaging.message.id': job.id,
        'waitline.job.name': 'default',
        'waitline.job.attempt': 1,
        'waitline.outcome': 'completed',
      });
      expect(attemptSpan?.status.code).toBe(SpanStatusCode.UNSET);
      const userSpan = otel.span('user-work');
      expect(userSpan.parentSpanContext?.spanId).toBe(attemptSpan?.spanContext().spanId);
      expect(userSpan.spanContext().traceId).toBe(parent.spanContext().traceId);
    });

    it('addBulk is one span whose context every job carries, with the batch size', async () => {
      const q = live.queue('traced-bulk');
      const { result: jobs } = await underSpan('batch', () => q.addBulk([{ payload: {} }, { payload: {} }, { payload: {} }]));
      const addSpan = otel.span(`waitline.add ${q.name}`);
      expect(addSpan.attributes).toMatchObject({ 'messaging.operation.name': 'addBulk', 'messaging.batch.message_count': 3 });
      for (const job of jobs) expect((await q.getJob(job.id))?.traceparent).toBe(traceparentOf(addSpan));
    });

    it('a failing attempt is ERROR with the exception; outcomes tell retry, failed, timed out and cancelled apart', async () => {
      const q = live.queue<{ kind: string }>('traced-failures', { retry: { attempts: 2, backoff: { kind: 'fixed', delayMs: 0 } } });
      const started = gate();
      live.worker(
        q,
        async (job, { signal }) => {
          if (job.payload.kind === 'boom') throw new Error('boom');
          if (job.payload.kind === 'cancel') started.open();
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
        },
        { concurrency: 3 },
      );
      const boom = await q.add({ kind: 'boom' });
      const slow = await q.add({ kind: 'slow' }, { timeoutMs: 50, attempts: 1 });
      const cancel = await q.add({ kind: 'cancel' }, { attempts: 1 });
      await started.promise;
      await q.cancel(cancel.id);
      const spans = await otel.wait(`waitline.process ${q.name}`, 4);
      const of = (id: string) => spans.filter((s) => s.attributes['messaging.message.id'] === id);
      expect(of(boom.id).map((s) => [s.attributes['waitline.job.attempt'], s.attributes['waitline.outcome'], s.status.code])).toEqual([
        [1, 'retry', SpanStatusCode.ERROR],
        [2, 'failed', SpanStatusCode.ERROR],
      ]);
      for (const s of of(boom.id)) {
        expect(s.status.message).toBe('boom');
        expect(s.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({ 'exception.message': 'boom', 'exception.type': 'Error' });
        expect(s.parentSpanContext?.spanId).toBe(boom.record.traceparent?.split('-')[2]);
      }
      const timedOut = only(of(slow.id));
      expect([timedOut.attributes['waitline.outcome'], timedOut.status.code, timedOut.attributes['error.type']]).toEqual([
        'timed_out',
        SpanStatusCode.ERROR,
        'JOB_TIMEOUT',
      ]);
      const cancelled = only(of(cancel.id));
      expect([cancelled.attributes['waitline.outcome'], cancelled.status.code]).toEqual(['cancelled', SpanStatusCode.UNSET]);
    });

    it('an explicit traceparent is stored as given (null stores none), and the attempt span continues it', async () => {
      const q = live.queue('traced-explicit');
      const { result: jobs } = await underSpan('outer', () =>
        q.addBulk([{ payload: { n: 0 }, options: { traceparent: EXPLICIT } }, { payload: { n: 1 }, options: { traceparent: null } }, { payload: { n: 2 } }]),
      );
      const [given, none, filled] = jobs;
      expect((await q.getJob(given?.id as string))?.traceparent).toBe(EXPLICIT);
      expect((await q.getJob(none?.id as string))?.traceparent).toBeNull();
      expect((await q.getJob(filled?.id as string))?.traceparent).toBe(traceparentOf(otel.span(`waitline.add ${q.name}`)));
      live.worker(q, async () => 'ok');
      const spans = await otel.wait(`waitline.process ${q.name}`, 3);
      const of = (id: string | undefined) => only(spans.filter((s) => s.attributes['messaging.message.id'] === id));
      expect(of(given?.id).spanContext().traceId).toBe(TRACE_ID);
      expect(of(given?.id).parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(of(none?.id).parentSpanContext).toBeUndefined();
    });

    it('refuses a malformed traceparent with a ValidationError at its path, writing nothing; the add span is ERROR', async () => {
      const q = live.queue('traced-malformed');
      for (const bad of MALFORMED) {
        const err = await q.add({}, { traceparent: bad as string }).catch((e: unknown) => e);
        expect(err, String(bad)).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).path).toEqual(['options', 'traceparent']);
      }
      const bulk = await q.addBulk([{ payload: {} }, { payload: {}, options: { traceparent: MALFORMED[0] as string } }]).catch((e: unknown) => e);
      expect((bulk as ValidationError).path).toEqual(['jobs', 1, 'options', 'traceparent']);
      expect((await q.listJobs()).items).toEqual([]);
      const failed = otel.spans().filter((s) => s.name === `waitline.add ${q.name}`);
      expect(failed).toHaveLength(MALFORMED.length + 1);
      for (const s of failed) {
        expect(s.status.code).toBe(SpanStatusCode.ERROR);
        expect(s.attributes['error.type']).toBe('VALIDATION');
      }
    });

    it('without a tracer provider, jobs carry no traceparent and run as ever', async () => {
      trace.disable();
      context.disable();
      const q = live.queue('untraced');
      const job = await q.add({});
      expect(job.record.traceparent).toBeNull();
      live.worker(q, async () => (trace.getActiveSpan() === undefined ? 'no span' : 'a span'));
      await expect(job.finished({ timeoutMs: 10_000 })).resolves.toBe('no span');
      expect((await q.getJob(job.id))?.traceparent).toBeNull();
      expect(otel.spans()).toEqual([]);
    });

    it('a tracer that throws never breaks a job: adds and attempts go on, and the worker logger hears it once', async () => {
      trace.disable();
      trace.setGlobalTracerProvider(explodingProvider());
      const q = live.queue('exploding');
      const lines: Array<{ message: string; error?: Error | undefined }> = [];
      live.worker(q, async () => 'ran', { logger: { warn: (message, error) => lines.push({ message, error }) } });
      const jobs = await q.addBulk([{ payload: {} }, { payload: {} }]);
      const single = await q.add({});
      expect(single.record.traceparent).toBe(EXPLICIT);
      for (const job of [...jobs, single]) await expect(job.finished({ timeoutMs: 10_000 })).resolves.toBe('ran');
      expect(lines).toHaveLength(1);
      expect(lines[0]?.message).toContain('tracing');
      expect(lines[0]?.error?.message).toBe('span exploded');
    });

    it('keeps traceparent through every read and transition of the storage', async () => {
      const s = live.storage();
      const traced = await add(s, { traceparent: EXPLICIT });
      const plain = await add(s, { traceparent: null });
      expect([traced.traceparent, plain.traceparent]).toEqual([EXPLICIT, null]);
      expect((await s.getJob(traced))?.traceparent).toBe(EXPLICIT);
      expect((await s.getJob(plain))?.traceparent).toBeNull();
      const again = await s.enqueue({ queue: traced.queue, jobs: [newJob({ idempotencyKey: 'k', traceparent: EXPLICIT })], now: T0 });
      const dup = await s.enqueue({ queue: traced.queue, jobs: [newJob({ idempotencyKey: 'k', traceparent: null })], now: T0 });
      expect([again.jobs[0]?.traceparent, dup.inserted[0], dup.jobs[0]?.traceparent]).toEqual([EXPLICIT, false, EXPLICIT]);
      const claimed = await claimOne(s, { now: T0 + 1 });
      expect(claimed).toMatchObject({ id: traced.id, traceparent: EXPLICIT });
      expect((await settleOk(s, claimed, T0 + 2)).traceparent).toBe(EXPLICIT);
      const listed = await listAll(s, traced.queue);
      expect(listed.map((j) => j.traceparent)).toEqual([EXPLICIT, null, EXPLICIT]);
    });

    it('where core cannot load @opentelemetry/api, both builds add and run jobs in a child process, untraced, provider or not', async (ctx) => {
      if (!(await harnessCapabilities(harness)).reopenable) return ctx.skip();
      const admin = await harness.open(await harness.freshDescriptor(), { migrate: true });
      try {
        const input = { descriptor: admin.describe() as StorageDescriptor, queue: 'no-otel' };
        const [report] = await runChildren<UntracedReport>('untraced.mjs', [input], 25_000, ['--require', HIDE_OTEL]);
        expect(report).toEqual({ hidden: true, registered: true, loaded: [], traceparents: [null, null, null, null], results: ['esm', 'cjs', 'esm', 'cjs'] });
      } finally {
        await admin.close();
      }
    }, 30_000);
  });
}
