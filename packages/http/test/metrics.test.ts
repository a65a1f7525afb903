/**
 * `createMetrics` on real storages with a real worker: what a scrape exports matches the jobs,
 * counters and histogram counts never go down, and a failed storage is `up` 0 while the other
 * queues are still exported. The main test scrapes `GET /metrics` of a real server on localhost.
 * SQLite always; Postgres and Redis on the local servers (a fresh schema, a fresh key prefix,
 * removed afterwards; skipped loudly when a server is missing, failing under CI=true).
 */
import { Queue, type Storage, ValidationError, Worker } from '@waitline/core';
import { RedisStorage } from '@waitline/redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivateServer } from '../../redis/test/servers.js';
import { createMetrics, type WaitlineMetrics } from '../src/index.js';
import { find, type PromText, parsePromText, value } from './prom-text.js';
import { type Served, serve } from './serve.js';
import { type TestStorage, testStorages } from './storages.js';

const STORAGES = await testStorages();
const REDIS_RUNS = STORAGES.some((s) => s.name === 'redis');

/** Opens fresh storages of one kind and removes them all at `cleanup`. */
function storagesOf(kind: TestStorage): { open(): Promise<Storage>; cleanup(): Promise<void> } {
  const cleanups: Array<() => Promise<void>> = [];
  return {
    async open() {
      const { storage, cleanup } = await kind.open();
      cleanups.push(cleanup);
      return storage;
    },
    async cleanup() {
      await Promise.allSettled(cleanups.map((c) => c()));
    },
  };
}

/** How long each job that completes runs at least. */
const RUN_MS = 120;

type Payload = { fail?: boolean };

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function scrape(metrics: WaitlineMetrics): Promise<PromText> {
  return parsePromText(await metrics.render());
}

/** `GET /metrics` of a served handler: checks the answer and parses its text. */
async function scrapeHttp(served: Served): Promise<PromText> {
  const response = await fetch(`${served.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePromText(await response.text());
}

/** Every counter and histogram series (bucket, sum, count) of one scrape, by name and labels. */
function cumulativeSeries(text: PromText): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of text.samples) {
    const type = text.types.get(s.name) ?? text.types.get(s.name.replace(/_(bucket|sum|count)$/, ''));
    if (type === 'counter' || type === 'histogram') out.set(`${s.name}${JSON.stringify(s.labels)}`, s.value);
  }
  return out;
}

/** Fails when a counter or histogram series of `later` is lower than in `earlier`, or missing. */
function expectNoDecrease(earlier: PromText, later: PromText): void {
  const after = cumulativeSeries(later);
  for (const [key, before] of cumulativeSeries(earlier)) {
    expect(after.has(key), `${key} still exported`).toBe(true);
    expect(after.get(key) as number, key).toBeGreaterThanOrEqual(before);
  }
}

/** Checks a histogram's shape: buckets never decrease with `le`, and `+Inf` equals `_count`. */
function expectHistogram(text: PromText, name: string, queue: string): number {
  const buckets = find(text, `${name}_bucket`, { queue }).map((s) => ({
    le: s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le),
    n: s.value,
  }));
  expect(buckets.length).toBeGreaterThan(2);
  buckets.sort((a, b) => a.le - b.le);
  for (let i = 1; i < buckets.length; i++) expect(buckets[i]?.n).toBeGreaterThanOrEqual(buckets[i - 1]?.n as number);
  const count = value(text, `${name}_count`, { queue });
  expect(buckets.at(-1)).toEqual({ le: Number.POSITIVE_INFINITY, n: count });
  return count;
}

async function finishedCounts(queue: Queue<Payload>): Promise<{ completed: number; failed: number }> {
  const { counts } = await queue.getStats();
  return { completed: counts.completed, failed: counts.failed };
}

function startWorker(queue: Queue<Payload>): Worker<Payload> {
  return new Worker<Payload>(
    queue,
    async (job) => {
      if (job.payload.fail) throw new Error('this job fails');
      await new Promise((r) => setTimeout(r, RUN_MS));
      return 'ok';
    },
    { concurrency: 2, pollIntervalMs: 50 },
  );
}

for (const kind of STORAGES) {
  describe(`metrics on ${kind.name}`, () => {
    const storages = storagesOf(kind);
    const workers: Worker<Payload>[] = [];
    const servers: Served[] = [];
    afterAll(async () => {
      await Promise.allSettled([...workers.map((w) => w.close()), ...servers.map((s) => s.close())]);
      await storages.cleanup();
    });

    it('exports counts, workers and rates, and feeds each finished job once to the counters and histograms', async () => {
      const queue = new Queue<Payload>(await storages.open(), 'work');
      const served = await serve({ queues: [queue] });
      servers.push(served);
      await queue.addBulk([...Array.from({ length: 6 }, () => ({ payload: {} })), { payload: { fail: true } }, { payload: { fail: true } }]);
      await queue.addBulk(Array.from({ length: 3 }, () => ({ payload: {}, options: { delayMs: 3_600_000 } })));
      await queue.cancel((await queue.add({})).id);

      const before = await scrapeHttp(served);
      const q = { queue: 'work' };
      expect(value(before, 'waitline_up', q)).toBe(1);
      expect(value(before, 'waitline_jobs', { ...q, state: 'ready' })).toBe(8);
      expect(value(before, 'waitline_jobs', { ...q, state: 'scheduled' })).toBe(3);
      expect(value(before, 'waitline_jobs', { ...q, state: 'cancelled' })).toBe(1);
      expect(value(before, 'waitline_jobs_finished_total', { ...q, state: 'completed' })).toBe(0);
      expect(value(before, 'waitline_job_run_seconds_count', q)).toBe(0);
      expect(find(before, 'waitline_success_ratio', q)).toEqual([]);
      expect(before.types.get('waitline_jobs_finished_total')).toBe('counter');
      expect(before.types.get('waitline_job_wait_seconds')).toBe('histogram');

      workers.push(startWorker(queue));
      await until('8 jobs finished', async () => (await finishedCounts(queue)).completed + (await finishedCounts(queue)).failed === 8);
      const first = await scrapeHttp(served);
      const second = await scrapeHttp(served);
      for (const text of [first, second]) {
        expect(value(text, 'waitline_jobs', { ...q, state: 'completed' })).toBe(6);
        expect(value(text, 'waitline_jobs', { ...q, state: 'failed' })).toBe(2);
        expect(value(text, 'waitline_jobs', { ...q, state: 'ready' })).toBe(0);
        expect(value(text, 'waitline_jobs', { ...q, state: 'running' })).toBe(0);
        expect(value(text, 'waitline_jobs', { ...q, state: 'scheduled' })).toBe(3);
        expect(value(text, 'waitline_workers', q)).toBe(1);
        expect(value(text, 'waitline_capacity', q)).toBe(2);
        expect(value(text, 'waitline_utilisation_ratio', q)).toBe(0);
        expect(value(text, 'waitline_paused', q)).toBe(0);
        expect(value(text, 'waitline_success_ratio', q)).toBe(0.75);
        // The 1 h window holds every job of this test: 6 and 2 per 60 minutes.
        expect(value(text, 'waitline_throughput_jobs_per_minute', { ...q, state: 'completed', window: '1h' })).toBeCloseTo(0.1);
        expect(value(text, 'waitline_throughput_jobs_per_minute', { ...q, state: 'failed', window: '1h' })).toBeCloseTo(2 / 60);
        // Each finished job counted once, at the first scrape that saw it, not again at the second.
        expect(value(text, 'waitline_jobs_finished_total', { ...q, state: 'completed' })).toBe(6);
        expect(value(text, 'waitline_jobs_finished_total', { ...q, state: 'failed' })).toBe(2);
        expect(expectHistogram(text, 'waitline_job_run_seconds', 'work')).toBe(8);
        expect(expectHistogram(text, 'waitline_job_wait_seconds', 'work')).toBe(8);
        // The six completed jobs each ran at least RUN_MS: none is in a bucket below it.
        expect(value(text, 'waitline_job_run_seconds_bucket', { ...q, le: '0.1' })).toBeLessThanOrEqual(2);
        expect(value(text, 'waitline_job_run_seconds_sum', q)).toBeGreaterThanOrEqual((6 * RUN_MS) / 1000);
        expect(value(text, 'waitline_sample_overruns_total', q)).toBe(0);
      }
      expectNoDecrease(before, first);
      expectNoDecrease(first, second);

      await queue.addBulk(Array.from({ length: 3 }, () => ({ payload: {} })));
      await until('11 jobs finished', async () => (await finishedCounts(queue)).completed === 9);
      const third = await scrapeHttp(served);
      expect(value(third, 'waitline_jobs_finished_total', { ...q, state: 'completed' })).toBe(9);
      expect(expectHistogram(third, 'waitline_job_run_seconds', 'work')).toBe(11);
      expect(expectHistogram(third, 'waitline_job_wait_seconds', 'work')).toBe(11);
      expectNoDecrease(second, third);

      // Removing finished jobs lowers the gauges but never the counters.
      await queue.clean({ state: 'completed' });
      const fourth = await scrapeHttp(served);
      expect(value(fourth, 'waitline_jobs', { ...q, state: 'completed' })).toBe(0);
      expect(value(fourth, 'waitline_jobs_finished_total', { ...q, state: 'completed' })).toBe(9);
      expect(value(fourth, 'waitline_jobs_finished_total', { ...q, state: 'failed' })).toBe(2);
      expectNoDecrease(third, fourth);
    });

    it('reports a queue whose storage fails as up 0 and still exports the others', async () => {
      const healthy = new Queue<Payload>(await storages.open(), 'healthy');
      const brokenStorage: Storage = await storages.open();
      const broken = new Queue<Payload>(brokenStorage, 'broken');
      await healthy.add({});
      await broken.add({});
      const errors: string[] = [];
      const metrics = createMetrics([healthy, broken], { onError: (_error, queue) => errors.push(queue) });

      const both = await scrape(metrics);
      expect(value(both, 'waitline_up', { queue: 'broken' })).toBe(1);
      expect(value(both, 'waitline_jobs', { queue: 'broken', state: 'ready' })).toBe(1);

      await brokenStorage.close();
      const one = await scrape(metrics);
      expect(value(one, 'waitline_up', { queue: 'broken' })).toBe(0);
      expect(find(one, 'waitline_jobs', { queue: 'broken' })).toEqual([]);
      expect(value(one, 'waitline_up', { queue: 'healthy' })).toBe(1);
      expect(value(one, 'waitline_jobs', { queue: 'healthy', state: 'ready' })).toBe(1);
      // The broken queue's cumulative series stay, unchanged.
      expect(value(one, 'waitline_jobs_finished_total', { queue: 'broken', state: 'completed' })).toBe(0);
      expect(value(one, 'waitline_job_run_seconds_count', { queue: 'broken' })).toBe(0);
      expect(errors).toEqual(['broken']);
      expectNoDecrease(both, one);

      // Every storage call of the process is timed through core's guard, a refused one counted
      // by its code. The storage-call series are read at the start of a scrape, so each scrape
      // shows the calls of the scrapes before it.
      const calls = { storage: kind.name, operation: 'getStats' };
      const refused = { ...calls, code: 'STORAGE_UNAVAILABLE' };
      expect(value(one, 'waitline_storage_call_duration_seconds_count', calls)).toBeGreaterThanOrEqual(2);
      const refusedBefore = find(one, 'waitline_storage_call_errors_total', refused)[0]?.value ?? 0;
      const after = await scrape(metrics);
      expect(value(after, 'waitline_storage_call_errors_total', refused)).toBeGreaterThan(refusedBefore);
      expect(after.types.get('waitline_storage_call_duration_seconds')).toBe('histogram');
    });
  });
}

describe.runIf(REDIS_RUNS)('metrics when a storage stops answering', () => {
  it('reports it up 0 after timeoutMs instead of holding the scrape', async () => {
    const server = await startPrivateServer(6_470 + Math.floor(Math.random() * 200));
    if (!server) throw new Error('redis-server is not installed');
    const storage = await RedisStorage.open({ connection: server.connection, prefix: 'metrics-timeout' });
    try {
      const queue = new Queue(storage, 'silent');
      await queue.add({});
      const errors: unknown[] = [];
      // Room for the healthy scrape on a loaded machine (it took up to 60 ms on an idle one).
      const metrics = createMetrics([queue], { timeoutMs: 2_000, onError: (error) => errors.push(error) });
      expect(value(await scrape(metrics), 'waitline_up', { queue: 'silent' })).toBe(1);
      // Paused, the server holds its connections and answers nothing for 6 s: the reads hang. (A
      // killed one refuses the client's reconnects, which fails the reads in about 350 ms: a race
      // with any timeout near that.)
      const admin = new Redis(server.connection);
      await admin.call('CLIENT', 'PAUSE', '6000', 'ALL');
      admin.disconnect();
      const text = await scrape(metrics);
      expect(value(text, 'waitline_up', { queue: 'silent' })).toBe(0);
      expect(String(errors[0])).toContain('did not answer within 2000 ms');
    } finally {
      // Stopped first: the paused server would hold the storage's close until the pause ends.
      await server.stop();
      await storage.close().catch(() => {});
    }
  });
});

describe('createMetrics', () => {
  const storages = storagesOf(STORAGES[0] as TestStorage);
  afterAll(() => storages.cleanup());

  it('keeps each collector in a registry of its own, never the global one', async () => {
    const queue = new Queue(await storages.open(), 'solo');
    const [a, b] = [createMetrics([queue]), createMetrics([queue], { prefix: 'app_' })];
    const [textA, textB] = [parsePromText(await a.render()), parsePromText(await b.render())];
    expect(value(textA, 'waitline_up', { queue: 'solo' })).toBe(1);
    expect(value(textB, 'app_up', { queue: 'solo' })).toBe(1);
    expect(find(textB, 'waitline_up')).toEqual([]);
    expect(a.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const promClient = await import('prom-client');
    expect(await promClient.register.metrics()).not.toContain('waitline_');
  });

  it('registers in a registry it is given and refreshes when that registry is scraped', async () => {
    const promClient = await import('prom-client');
    const registry = new promClient.Registry();
    const mine = new promClient.Counter({ name: 'app_requests_total', help: 'requests', registers: [registry] });
    mine.inc();
    const queue = new Queue(await storages.open(), 'shared');
    const metrics = createMetrics([queue], { registry });
    await metrics.ready();
    expect(value(parsePromText(await registry.metrics()), 'waitline_jobs', { queue: 'shared', state: 'ready' })).toBe(0);
    await queue.add({});
    const text = parsePromText(await registry.metrics());
    expect(value(text, 'waitline_jobs', { queue: 'shared', state: 'ready' })).toBe(1);
    expect(value(text, 'app_requests_total')).toBe(1);
  });

  it('rejects bad options and queues with a ValidationError naming them', async () => {
    const queue = new Queue(await storages.open(), 'checked');
    const pathOf = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).path;
      }
      throw new Error('no error');
    };
    expect(pathOf(() => createMetrics([queue], { prefix: 'bad-prefix' }))).toEqual(['options', 'prefix']);
    expect(pathOf(() => createMetrics([queue], { sampleLimit: 0 }))).toEqual(['options', 'sampleLimit']);
    expect(pathOf(() => createMetrics([queue], { buckets: [1, 1] }))).toEqual(['options', 'buckets']);
    expect(pathOf(() => createMetrics([queue], { nope: 1 } as never))).toEqual(['options']);
    expect(pathOf(() => createMetrics([queue, queue]))).toEqual(['queues', 1]);
    expect(pathOf(() => createMetrics([{}] as never))).toEqual(['queues', 0]);
  });
});
