/**
 * Queue metrics derived (in core, so every storage agrees) from a storage's raw statistics.
 * @module
 */
import { effectiveCapacity } from './eta.js';
import type { JobState } from './state.js';
import type { FinishedSample, QueueConfig, RawQueueStats, WorkerInfo } from './storage.js';

/** The windows `queue.getStats()` counts finished jobs over: 1 min, 5 min, 1 h. */
export const THROUGHPUT_WINDOWS_MS: readonly number[] = [60_000, 300_000, 3_600_000];
/** How many recent finished jobs `queue.getStats()` summarises, and ETAs learn from. */
export const STATS_SAMPLE_LIMIT = 100;

/** Summary of a set of durations in ms; every field null when there is no sample. */
export interface DurationSummary {
  count: number;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Jobs finished within one recent window. */
export interface ThroughputWindow {
  windowMs: number;
  completed: number;
  failed: number;
  /** Completed jobs per minute over the window. */
  completedPerMinute: number;
}

/** A queue's health at a glance. */
export interface QueueStats {
  queue: string;
  config: QueueConfig;
  /** Jobs by state; `queued` is split into `ready` and `scheduled`. */
  counts: Record<JobState, number> & { ready: number; scheduled: number };
  /** Workers that sent a heartbeat recently. */
  workers: WorkerInfo[];
  /** Jobs that can run at once now: min(queue concurrency, live workers' slots). */
  capacity: number;
  /** `running / capacity`, 0 when there is no capacity. */
  utilisation: number;
  throughput: ThroughputWindow[];
  /** completed / (completed + failed) among recent finished jobs; null before any finished. */
  successRate: number | null;
  /** Run time of recent finished attempts. */
  runTimeMs: DurationSummary;
  /** Time from becoming ready (`runAt`) to starting, for recent finished jobs. */
  waitTimeMs: DurationSummary;
  /** How many schedules the queue has (see `queue.schedule()`). */
  schedules: number;
}

/** Summarises durations: mean and nearest-rank percentiles. */
export function summarise(values: readonly number[]): DurationSummary {
  if (values.length === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, mean: Math.round(mean), p50: rank(0.5), p95: rank(0.95), p99: rank(0.99) };
}

function successRate(recent: readonly FinishedSample[]): number | null {
  if (recent.length === 0) return null;
  return recent.filter((s) => s.state === 'completed').length / recent.length;
}

/** Derives a queue's stats from raw storage statistics and its schedule count. */
export function deriveStats(queue: string, raw: RawQueueStats, schedules = 0): QueueStats {
  const capacity = effectiveCapacity({ config: raw.config, liveWorkers: raw.liveWorkers });
  const finiteCapacity = Number.isFinite(capacity) ? capacity : 0;
  return {
    queue,
    config: raw.config,
    counts: raw.counts,
    workers: raw.liveWorkers,
    capacity: finiteCapacity,
    utilisation: finiteCapacity > 0 ? raw.counts.running / finiteCapacity : 0,
    throughput: raw.windows.map((w) => ({ ...w, completedPerMinute: (w.completed * 60_000) / w.windowMs })),
    successRate: successRate(raw.recent),
    runTimeMs: summarise(raw.recent.map((s) => Math.max(0, s.finishedAt - s.startedAt))),
    waitTimeMs: summarise(raw.recent.map((s) => Math.max(0, s.startedAt - s.runAt))),
    schedules,
  };
}
