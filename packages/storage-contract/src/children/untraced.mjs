/**
 * A process where core cannot load `@opentelemetry/api` (hide-otel.cjs is preloaded): adds a job
 * through core's ESM build and one through its CommonJS build and runs each with a worker of the
 * same build, first with nothing registered, then again after the app registered a tracer provider
 * with its own copy of the API (imported as ESM, which the preload does not hide), so that core
 * tries to load the API and fails.
 * Input: { descriptor, queue }.
 * Report: { hidden: core's `require` cannot resolve the API, registered: a provider was registered,
 *   loaded: OpenTelemetry modules in the require cache, traceparents and results of the 4 jobs }.
 * @internal
 */
import { createRequire } from 'node:module';
import { openFromDescriptor, runChild } from './common.mjs';

const require = createRequire(import.meta.url);

/** Adds one job through `core` and runs it with a worker of the same build; returns its traceparent and result. */
async function addAndRun(core, storage, queueName, result) {
  const queue = new core.Queue(storage, queueName);
  const [job] = await queue.addBulk([{ payload: {} }]);
  const worker = new core.Worker(queue, async () => result, { heartbeat: 'main', leaseMs: 2_000, pollIntervalMs: 50 });
  try {
    return { traceparent: job.record.traceparent, result: await job.finished({ timeoutMs: 10_000 }) };
  } finally {
    await worker.close({ graceMs: 0 });
  }
}

await runChild({
  setup: async (input) => ({ input, storage: await openFromDescriptor(input.descriptor) }),
  close: ({ storage }) => storage.close(),
  run: async ({ input, storage }) => {
    let hidden = false;
    try {
      require.resolve('@opentelemetry/api');
    } catch {
      hidden = true;
    }
    const esm = await import('@waitline/core');
    const cjs = require('@waitline/core');
    const jobs = [await addAndRun(esm, storage, `${input.queue}-esm`, 'esm'), await addAndRun(cjs, storage, `${input.queue}-cjs`, 'cjs')];
    const api = await import('@opentelemetry/api');
    const registered = api.trace.setGlobalTracerProvider(new api.ProxyTracerProvider());
    jobs.push(await addAndRun(esm, storage, `${input.queue}-esm-2`, 'esm'), await addAndRun(cjs, storage, `${input.queue}-cjs-2`, 'cjs'));
    const loaded = Object.keys(require.cache).filter((path) => path.includes('@opentelemetry'));
    return { hidden, registered, loaded, traceparents: jobs.map((j) => j.traceparent), results: jobs.map((j) => j.result) };
  },
});
