/**
 * What every scenario shares: its parameters, metric definitions, and small helpers (filling a
 * queue through the bulk API, deferreds, time-outs, the per-measurement time budget).
 */
import { nowMs } from './stats.js';
import type { BenchSystem, JobRef, Payload, Place } from './systems/types.js';

export type Metrics = Record<string, number>;

export interface ScenarioParams {
  /** Jobs per throughput scenario; the position scenario uses n and 10·n waiting jobs. */
  n: number;
  /** Enqueue-to-start samples for S5. */
  latencyIters: number;
  /** Positions looked up per queue size. */
  positionSamples: number;
  /** A single wait (one job to start, one drain to stall) fails after this long. */
  timeoutMs: number;
  /**
   * Time budget of one timed loop (S1, S2, S3, S4, S5). A system too slow to finish within it is
   * stopped there and measured on what it did (reported as "k of n").
   */
  budgetMs: number;
  /**
   * Whether this run also measures the 100·n position level of systems that ask for it (filling
   * 1,000,000 jobs takes about 1.5 minutes, so the runner asks for it in the first run only).
   */
  hugeLevel: boolean;
  /** SSE streams the SSE scenario opens at once (on as many different waiting jobs). */
  sseSubscribers: number;
  /** Requests in flight in the HTTP status scenario. */
  httpConcurrency: number;
  /** The PostgreSQL server: where the MOVE row moves SQLite jobs to (a schema of its own). */
  pgUrl: string;
}

export interface MetricDef {
  key: string;
  label: string | ((p: ScenarioParams) => string);
  unit: string;
  better: 'higher' | 'lower';
}

export interface ScenarioDef {
  id: string;
  title: string;
  describe: (p: ScenarioParams) => string;
  metrics: MetricDef[];
  /** Systems without the needed API or family are shown as "n/a". */
  applies: (s: BenchSystem) => boolean;
  run: (s: BenchSystem, p: ScenarioParams, place: () => Place) => Promise<Metrics>;
  /** Leave out the systems it does not apply to, instead of rows saying "n/a". */
  onlyWhereApplies?: boolean;
  /** No "÷ X" columns (figures that are not comparable across systems). */
  noRatios?: boolean;
  /** Lines under the table, from each row's medians (such as whether a target is met). */
  notes?: (p: ScenarioParams, rows: Array<{ name: string; median: (key: string) => number | undefined }>) => string[];
}

export const BULK_CHUNK = 1000;
/** Chunk used to fill very large queues (the 100·n position level). */
export const HUGE_CHUNK = 10_000;

export const payloads = (from: number, count: number): Payload[] => Array.from({ length: count }, (_, k) => ({ i: from + k }));

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    const say = (): string => (typeof what === 'function' ? what() : what);
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${say()}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Resolves to true when `p` settles first, false when `ms` pass first. */
export function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<boolean>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  return Promise.race([p.then(() => true), t]).finally(() => clearTimeout(timer));
}

export async function fill(s: BenchSystem, from: number, count: number, chunk = BULK_CHUNK): Promise<JobRef[]> {
  const ids: JobRef[] = [];
  for (let done = 0; done < count; done += chunk) {
    const got = await s.addBulk(payloads(from + done, Math.min(chunk, count - done)));
    for (const id of got) ids.push(id);
  }
  return ids;
}

export const rate = (n: number, ms: number): number => (n * 1000) / ms;

/** CPU time (user + system, every thread of this process) per job since `since`, in µs. */
export const cpuPerJob = (since: NodeJS.CpuUsage, n: number): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / Math.max(1, n);
};

/** A deadline `ms` from now. */
export function budget(ms: number): { over: () => boolean; left: () => number } {
  const end = nowMs() + ms;
  return { over: () => nowMs() >= end, left: () => Math.max(0, end - nowMs()) };
}

/** Sets the system up on a fresh place, runs `fn`, and always tears down. */
export async function onFreshPlace<T>(s: BenchSystem, place: () => Place, fn: (p: Place) => Promise<T>): Promise<T> {
  const p = place();
  await s.setup(p);
  try {
    return await fn(p);
  } finally {
    await s.teardown();
  }
}
