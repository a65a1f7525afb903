/**
 * Prometheus metrics of a list of queues (`GET /metrics`), collected at each scrape from the
 * queues' storages, with the optional peer `prom-client` loaded on first use.
 * @module
 */
import {
  deriveStats,
  type FinishedSample,
  MAX_TIMER_MS,
  parseOptions,
  type Queue,
  type QueueStats,
  STATS_SAMPLE_LIMIT,
  THROUGHPUT_WINDOWS_MS,
  ValidationError,
} from '@waitline/core';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import {
  createInstruments,
  DEFAULT_DURATION_BUCKETS,
  type Instruments,
  type QueueReading,
  recordDown,
  recordQueue,
  resetGauges,
  zeroQueue,
} from './metrics/instruments.js';
import { loadPromClient, PROMETHEUS_CONTENT_TYPE } from './metrics/load.js';
import { SampleTracker } from './metrics/samples.js';
import { trackStorageCalls } from './metrics/storage-calls.js';
import { withTimeout } from './timeout.js';

export { DEFAULT_DURATION_BUCKETS } from './metrics/instruments.js';
export { STORAGE_CALL_BUCKETS } from './metrics/storage-calls.js';
export { MetricsUnavailableError, PROMETHEUS_CONTENT_TYPE } from './metrics/load.js';

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Prepended to every metric name (default `'waitline_'`); letters, digits, `_` and `:`. */
  prefix?: string | undefined;
  /**
   * The `prom-client` `Registry` to register in, e.g. your app's, to serve your own metrics with
   * Waitline's. Default: a registry of its own (never prom-client's global one), so two handlers
   * in one process do not clash. With a registry given, call `ready()` before its first scrape.
   */
  registry?: Registry | undefined;
  /**
   * How many of each queue's most recently finished jobs a scrape reads (default 1,000, at most
   * 10,000). The counters and histograms see every finished job as long as fewer than this many
   * finish between two scrapes; `waitline_sample_overruns_total` counts the scrapes where more did.
   */
  sampleLimit?: number | undefined;
  /** A queue whose storage has not answered within this many ms is reported `up` 0 (default 5,000). */
  timeoutMs?: number | undefined;
  /** Bucket bounds in seconds of both duration histograms, increasing (default {@link DEFAULT_DURATION_BUCKETS}). */
  buckets?: number[] | undefined;
  /** Told of each queue whose storage failed or timed out at a scrape (the scrape goes on without it). */
  onError?: ((error: unknown, queue: string) => void) | undefined;
}

/** A metrics collector: what `GET /metrics` answers. */
export interface WaitlineMetrics {
  /** The content type of {@link render}'s text (the registry's; Prometheus text 0.0.4 by default). */
  readonly contentType: string;
  /**
   * Reads every queue (in parallel, each bounded by `timeoutMs`) and returns the registry's
   * metrics as text. Never fails because a storage does: that queue is reported `up` 0. Rejects
   * with `MetricsUnavailableError` (code `METRICS_UNAVAILABLE`) when `prom-client` is not installed.
   */
  render(): Promise<string>;
  /**
   * Loads `prom-client` and registers the metrics (once; `render` does it too). Needed only with
   * your own `registry`, before you scrape it yourself. Rejects as {@link render} does.
   */
  ready(): Promise<void>;
  /**
   * Stops feeding the storage-call instruments (`storage_call_duration_seconds`,
   * `storage_call_errors_total`) from this process's storage calls, which every collector that
   * has rendered or been made ready does until then. The registry keeps what it holds. A handler
   * closes the collector of its `/metrics` route when it closes. Safe twice.
   */
  close(): void;
}

const bucketsSchema = z
  .array(z.number().positive().finite())
  .min(1)
  .refine((b) => b.every((v, i) => i === 0 || v > (b[i - 1] as number)), 'buckets must increase');

const optionsSchema = z
  .object({
    prefix: z
      .string()
      .regex(/^([a-zA-Z_:][a-zA-Z0-9_:]*)?$/, 'a metric name prefix: letters, digits, _ and :')
      .default('waitline_'),
    registry: z.custom<Registry>((v) => typeof (v as { registerMetric?: unknown } | null)?.registerMetric === 'function', 'a prom-client Registry').optional(),
    sampleLimit: z.number().int().min(1).max(10_000).default(1_000),
    timeoutMs: z.number().int().min(1).max(MAX_TIMER_MS).default(5_000),
    buckets: bucketsSchema.default([...DEFAULT_DURATION_BUCKETS]),
    onError: z.custom<(error: unknown, queue: string) => void>((v) => typeof v === 'function', 'a function').optional(),
  })
  .strict();

type ParsedOptions = z.output<typeof optionsSchema>;

function checkQueues(queues: unknown): readonly Queue[] {
  const issue = (path: Array<string | number>, message: string) => new ValidationError(`invalid queues: ${message}`, [{ path, message }]);
  if (!Array.isArray(queues)) throw issue(['queues'], 'an array of Queue instances');
  const names = new Set<string>();
  queues.forEach((q: Partial<Queue> | null, i) => {
    if (typeof q?.name !== 'string' || typeof q.storage?.getStats !== 'function') throw issue(['queues', i], 'a Queue instance');
    if (names.has(q.name)) throw issue(['queues', i], `two queues are named "${q.name}"`);
    names.add(q.name);
  });
  return queues as readonly Queue[];
}

/** What one storage read of a queue gave. */
interface RawReading {
  stats: QueueStats;
  recent: FinishedSample[];
  readSeconds: number;
}

/** A queue's statistics and recent finished samples, from one storage read (as `queue.getStats()` reads). */
async function readQueue(queue: Queue, sampleLimit: number): Promise<RawReading> {
  const started = performance.now();
  const raw = await queue.storage.getStats({
    queue: queue.name,
    now: queue.clock.now(),
    windowsMs: [...THROUGHPUT_WINDOWS_MS],
    sampleLimit,
    workerStaleMs: queue.workerStaleMs,
  });
  const stats = deriveStats(queue.name, { ...raw, recent: raw.recent.slice(0, STATS_SAMPLE_LIMIT) });
  return { stats, recent: raw.recent, readSeconds: (performance.now() - started) / 1000 };
}

class QueueMetrics implements WaitlineMetrics {
  private setup: Promise<{ registry: Registry; instruments: Instruments }> | undefined;
  /** Stops the storage-call feed; set once the instruments exist. */
  private stopCalls: (() => void) | undefined;
  private closed = false;
  private refreshing: Promise<void> | undefined;
  private readonly trackers = new Map<string, SampleTracker>();
  private readonly pending = new Map<string, Promise<RawReading>>();

  constructor(
    private readonly queues: readonly Queue[],
    private readonly options: ParsedOptions,
  ) {
    for (const q of queues) this.trackers.set(q.name, new SampleTracker(options.sampleLimit));
  }

  get contentType(): string {
    return this.options.registry?.contentType ?? PROMETHEUS_CONTENT_TYPE;
  }

  async ready(): Promise<void> {
    await this.init();
  }

  async render(): Promise<string> {
    const { registry } = await this.init();
    return registry.metrics();
  }

  private init(): Promise<{ registry: Registry; instruments: Instruments }> {
    this.setup ??= loadPromClient().then(
      (client) => {
        const registry = this.options.registry ?? new client.Registry();
        const { prefix, buckets } = this.options;
        const instruments = createInstruments(client, { prefix, buckets, registry, collect: () => this.refresh() });
        for (const q of this.queues) zeroQueue(instruments, q.name);
        if (!this.closed) this.stopCalls = trackStorageCalls(client, prefix, registry);
        return { registry, instruments };
      },
      (error: unknown) => {
        this.setup = undefined;
        throw error;
      },
    );
    return this.setup;
  }

  close(): void {
    this.closed = true;
    this.stopCalls?.();
    this.stopCalls = undefined;
  }

  /** One collection for every instrument of a scrape: they all call it, the first one runs it. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.collect().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async collect(): Promise<void> {
    const { instruments } = await this.init();
    const readings = await Promise.all(this.queues.map((q) => this.read(q)));
    resetGauges(instruments);
    // Samples are marked seen only here, when they are recorded: a read that timed out and ends
    // later marks nothing.
    this.queues.forEach((q, i) => {
      const raw = readings[i];
      if (!raw) {
        recordDown(instruments, q.name);
        return;
      }
      const samples = (this.trackers.get(q.name) as SampleTracker).take(raw.recent);
      const reading: QueueReading = { stats: raw.stats, samples, readSeconds: raw.readSeconds };
      recordQueue(instruments, q.name, reading);
    });
  }

  /** A queue's reading, or null when its storage failed or did not answer in time. */
  private async read(queue: Queue): Promise<RawReading | null> {
    // A read still running from an earlier scrape (that timed out) is awaited again, not doubled.
    let reading = this.pending.get(queue.name);
    if (!reading) {
      reading = readQueue(queue, this.options.sampleLimit);
      this.pending.set(queue.name, reading);
      const forget = () => this.pending.delete(queue.name);
      reading.then(forget, forget);
    }
    try {
      return await withTimeout(reading, this.options.timeoutMs, `queue "${queue.name}": storage did not answer within ${this.options.timeoutMs} ms`);
    } catch (error) {
      this.options.onError?.(error, queue.name);
      return null;
    }
  }
}

/**
 * A Prometheus collector for `queues` (what `GET /metrics` serves), using the optional peer
 * `prom-client` 15, imported on the first `render()` or `ready()`. Throws `ValidationError` for
 * bad `queues` (not Queues, or two of one name) or options. Every scrape reads each queue once
 * (in parallel) and sets, per queue (label `queue`; names with the default prefix `waitline_`):
 *
 * - `waitline_up` (gauge): 1 when the storage answered in time, 0 when it failed or timed out;
 *   a queue that is down has only this series and its cumulative ones, the others go on.
 * - `waitline_jobs{state}` (gauge): stored jobs by state, `state` one of `ready`, `scheduled`
 *   (queued, due later), `running`, `completed`, `failed`, `cancelled`.
 * - `waitline_capacity`, `waitline_utilisation_ratio`, `waitline_workers` (gauges): jobs that can
 *   run at once now, running / capacity, live workers.
 * - `waitline_paused`, `waitline_draining` (gauges, 0 or 1).
 * - `waitline_throughput_jobs_per_minute{state,window}` (gauge): completed or failed jobs per
 *   minute over the last `1m`, `5m` and `1h`, from the storage's counts.
 * - `waitline_success_ratio` (gauge): completed share of the last 100 finished jobs; absent before any.
 * - `waitline_stats_read_duration_seconds` (gauge): how long the queue's read took.
 * - `waitline_jobs_finished_total{state}` (counter): jobs that ended `completed` or `failed`,
 *   counted from finished jobs this process had not seen at an earlier scrape; it only grows
 *   while the process lives, and starts with the last `sampleLimit` finished jobs at the first scrape.
 * - `waitline_job_wait_seconds`, `waitline_job_run_seconds` (histograms, buckets from 0.1 s to
 *   1 h): for each of those finished jobs, the time from due (`runAt`) to its last attempt's
 *   start, and that attempt's run time. `_count` grows with `waitline_jobs_finished_total`.
 * - `waitline_sample_overruns_total` (counter): scrapes at which more than `sampleLimit` jobs
 *   had finished since the previous one, so some were not observed.
 *
 * Cancelled jobs are counted in `waitline_jobs` only. Instruments live in their own `Registry`
 * unless `options.registry` is given.
 */
export function createMetrics(queues: readonly Queue[], options?: MetricsOptions): WaitlineMetrics {
  const checked = checkQueues(queues);
  const parsed = parseOptions(optionsSchema, options, 'metrics options', ['options']) as ParsedOptions;
  return new QueueMetrics(checked, parsed);
}
