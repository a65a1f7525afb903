/**
 * The Prometheus instruments of the metrics collector, and how one queue's reading sets them.
 * Names and meanings are listed in docs/http.md ("Metrics") and in `createMetrics`'s TSDoc.
 * @module
 */
import type { QueueStats } from '@waitline/core';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PromClientModule } from './load.js';
import type { FreshSamples } from './samples.js';

/**
 * Default histogram buckets of `waitline_job_wait_seconds` and `waitline_job_run_seconds`, in
 * seconds: from 100 ms to an hour, for jobs that take seconds to many minutes.
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** The `state` label values of `waitline_jobs`: each stored job is in exactly one. */
const JOB_STATE_LABELS = ['ready', 'scheduled', 'running', 'completed', 'failed', 'cancelled'] as const;

type QueueLabel = 'queue';

/** Every instrument, by role. @internal */
export interface Instruments {
  up: Gauge<QueueLabel>;
  jobs: Gauge<QueueLabel | 'state'>;
  capacity: Gauge<QueueLabel>;
  utilisation: Gauge<QueueLabel>;
  workers: Gauge<QueueLabel>;
  paused: Gauge<QueueLabel>;
  draining: Gauge<QueueLabel>;
  throughput: Gauge<QueueLabel | 'state' | 'window'>;
  successRatio: Gauge<QueueLabel>;
  readSeconds: Gauge<QueueLabel>;
  finished: Counter<QueueLabel | 'state'>;
  overruns: Counter<QueueLabel>;
  waitSeconds: Histogram<QueueLabel>;
  runSeconds: Histogram<QueueLabel>;
}

/** What the instruments are made with. @internal */
export interface InstrumentSettings {
  prefix: string;
  registry: Registry;
  buckets: number[];
  /** Called by every instrument at each scrape; resolves once every instrument holds fresh values. */
  collect: () => Promise<void>;
}

/** Creates every instrument in `settings.registry` (none in prom-client's global registry). @internal */
export function createInstruments(client: PromClientModule, s: InstrumentSettings): Instruments {
  const base = { registers: [s.registry], collect: s.collect };
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) => new client.Gauge<L>({ ...base, name: s.prefix + name, help, labelNames });
  const histogram = (name: string, help: string) =>
    new client.Histogram<QueueLabel>({ ...base, name: s.prefix + name, help, labelNames: ['queue'], buckets: s.buckets });
  const q: QueueLabel[] = ['queue'];
  return {
    up: gauge('up', '1 when the queue storage answered this scrape in time, else 0 (and the queue gauges are left out).', q),
    jobs: gauge('jobs', 'Stored jobs by state; ready + scheduled are the queued jobs (due now or later).', ['queue', 'state']),
    capacity: gauge('capacity', 'Jobs that can run at once now: min(queue concurrency, live worker slots).', q),
    utilisation: gauge('utilisation_ratio', 'Running jobs / capacity (0 when there is no capacity).', q),
    workers: gauge('workers', 'Workers that sent a heartbeat recently.', q),
    paused: gauge('paused', '1 when the queue is paused (no job is handed out).', q),
    draining: gauge('draining', '1 when the queue is draining (adds are refused).', q),
    throughput: gauge('throughput_jobs_per_minute', 'Jobs finished per minute over the last window, by final state.', ['queue', 'state', 'window']),
    successRatio: gauge('success_ratio', 'completed / (completed + failed) among the last 100 finished jobs; absent before any.', q),
    readSeconds: gauge('stats_read_duration_seconds', 'How long this scrape took to read the queue statistics from storage.', q),
    finished: new client.Counter<QueueLabel | 'state'>({
      ...base,
      name: `${s.prefix}jobs_finished_total`,
      help: 'Jobs that ended completed or failed, counted by this process from the finished jobs it saw at scrapes.',
      labelNames: ['queue', 'state'],
    }),
    overruns: new client.Counter<QueueLabel>({
      ...base,
      name: `${s.prefix}sample_overruns_total`,
      help: 'Scrapes whose window of recent finished jobs held only unseen jobs: some finished jobs may be missing from the histograms and counters.',
      labelNames: ['queue'],
    }),
    waitSeconds: histogram('job_wait_seconds', 'Time from a job being due (runAt) to its last attempt starting, per finished job.'),
    runSeconds: histogram('job_run_seconds', 'Run time of the last attempt, per finished job.'),
  };
}

/** Starts a queue's cumulative series at 0, so they exist before the first finished job. @internal */
export function zeroQueue(m: Instruments, queue: string): void {
  m.finished.inc({ queue, state: 'completed' }, 0);
  m.finished.inc({ queue, state: 'failed' }, 0);
  m.overruns.inc({ queue }, 0);
  m.waitSeconds.zero({ queue });
  m.runSeconds.zero({ queue });
}

/** Clears every gauge, before a scrape sets those of the queues that answered. @internal */
export function resetGauges(m: Instruments): void {
  for (const g of [m.up, m.jobs, m.capacity, m.utilisation, m.workers, m.paused, m.draining, m.throughput, m.successRatio, m.readSeconds]) {
    g.reset();
  }
}

/** `60000` → `1m`, `3600000` → `1h`, `90000` → `90s`. @internal */
export function windowLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** One queue's answer at a scrape. @internal */
export interface QueueReading {
  stats: QueueStats;
  samples: FreshSamples;
  readSeconds: number;
}

function recordGauges(m: Instruments, queue: string, stats: QueueStats): void {
  for (const state of JOB_STATE_LABELS) m.jobs.set({ queue, state }, stats.counts[state]);
  m.capacity.set({ queue }, stats.capacity);
  m.utilisation.set({ queue }, stats.utilisation);
  m.workers.set({ queue }, stats.workers.length);
  m.paused.set({ queue }, stats.config.paused ? 1 : 0);
  m.draining.set({ queue }, stats.config.draining ? 1 : 0);
  for (const w of stats.throughput) {
    const window = windowLabel(w.windowMs);
    m.throughput.set({ queue, state: 'completed', window }, w.completedPerMinute);
    m.throughput.set({ queue, state: 'failed', window }, (w.failed * 60_000) / w.windowMs);
  }
  if (stats.successRate !== null) m.successRatio.set({ queue }, stats.successRate);
}

/** Sets a queue's gauges and feeds its new finished jobs to the counters and histograms. @internal */
export function recordQueue(m: Instruments, queue: string, reading: QueueReading): void {
  m.up.set({ queue }, 1);
  m.readSeconds.set({ queue }, reading.readSeconds);
  recordGauges(m, queue, reading.stats);
  for (const s of reading.samples.fresh) {
    m.finished.inc({ queue, state: s.state });
    m.waitSeconds.observe({ queue }, Math.max(0, s.startedAt - s.runAt) / 1000);
    m.runSeconds.observe({ queue }, Math.max(0, s.finishedAt - s.startedAt) / 1000);
  }
  if (reading.samples.overrun) m.overruns.inc({ queue });
}

/** Marks a queue whose storage failed or timed out: `up` 0, nothing else set. @internal */
export function recordDown(m: Instruments, queue: string): void {
  m.up.set({ queue }, 0);
}
