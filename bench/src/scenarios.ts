/**
 * The scenarios. Each runs one system on fresh temp SQLite files and returns named metrics.
 * They only use the BenchSystem interface, so every system does exactly the same work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, nowMs, percentile } from './stats.js';
import type { BenchSystem, JobRef, Payload } from './systems/types.js';

export type Metrics = Record<string, number>;

export interface MetricDef {
  key: string;
  label: string | ((p: ScenarioParams) => string);
  unit: string;
  better: 'higher' | 'lower';
}

export interface ScenarioParams {
  /** Jobs per throughput scenario; the position scenario uses n and 10·n waiting jobs. */
  n: number;
  /** Enqueue-to-start samples for S5. */
  latencyIters: number;
  /** Positions looked up per queue size. */
  positionSamples: number;
  /** Gives up on a drain after this long. */
  timeoutMs: number;
}

export interface ScenarioDef {
  id: string;
  title: string;
  describe: (p: ScenarioParams) => string;
  metrics: MetricDef[];
  /** Systems without the needed API are shown as "n/a". */
  applies: (s: BenchSystem) => boolean;
  run: (s: BenchSystem, p: ScenarioParams, db: () => string) => Promise<Metrics>;
}

export const BULK_CHUNK = 1000;

const payloads = (from: number, count: number): Payload[] =>
  Array.from({ length: count }, (_, k) => ({ i: from + k }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    const say = (): string => (typeof what === 'function' ? what() : what);
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${say()}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function fill(s: BenchSystem, from: number, count: number): Promise<JobRef[]> {
  const ids: JobRef[] = [];
  for (let done = 0; done < count; done += BULK_CHUNK) {
    const chunk = await s.addBulk(payloads(from + done, Math.min(BULK_CHUNK, count - done)));
    for (const id of chunk) ids.push(id);
  }
  return ids;
}

const rate = (n: number, ms: number): number => (n * 1000) / ms;

/** CPU time (user + system, every thread of this process) per job since `since`, in µs. */
const cpuPerJob = (since: NodeJS.CpuUsage, n: number): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / n;
};

async function addSequential(s: BenchSystem, p: ScenarioParams, db: () => string): Promise<Metrics> {
  await s.setup(db());
  try {
    const c0 = process.cpuUsage();
    const t0 = nowMs();
    for (let i = 0; i < p.n; i++) await s.addOne({ i });
    const elapsed = nowMs() - t0;
    return { jobsPerSec: rate(p.n, elapsed), cpuUsPerJob: cpuPerJob(c0, p.n) };
  } finally {
    await s.teardown();
  }
}

async function addBulk(s: BenchSystem, p: ScenarioParams, db: () => string): Promise<Metrics> {
  await s.setup(db());
  try {
    const c0 = process.cpuUsage();
    const t0 = nowMs();
    await fill(s, 0, p.n);
    const elapsed = nowMs() - t0;
    return { jobsPerSec: rate(p.n, elapsed), cpuUsPerJob: cpuPerJob(c0, p.n) };
  } finally {
    await s.teardown();
  }
}

function drain(concurrency: number) {
  return async (s: BenchSystem, p: ScenarioParams, db: () => string): Promise<Metrics> => {
    await s.setup(db());
    try {
      await fill(s, 0, p.n);
      const all = deferred<void>();
      let completed = 0;
      let elapsed = 0;
      let cpu = 0;
      const c0 = process.cpuUsage();
      const t0 = nowMs();
      const worker = await s.startWorker({
        concurrency,
        handler: () => {},
        onCompleted: () => {
          if (++completed === p.n) all.resolve();
        },
      });
      try {
        await withTimeout(all.promise, p.timeoutMs, () => `drain stalled at ${completed}/${p.n} completed`);
        elapsed = nowMs() - t0;
        cpu = cpuPerJob(c0, p.n);
      } finally {
        await worker.stop();
      }
      return { jobsPerSec: rate(p.n, elapsed), cpuUsPerJob: cpu };
    } finally {
      await s.teardown();
    }
  };
}

async function latency(s: BenchSystem, p: ScenarioParams, db: () => string): Promise<Metrics> {
  await s.setup(db());
  try {
    let started = deferred<number>();
    let done = deferred<void>();
    const worker = await s.startWorker({
      concurrency: 1,
      handler: () => started.resolve(nowMs()),
      onCompleted: () => done.resolve(),
    });
    const samples: number[] = [];
    try {
      await sleep(50); // let the worker go idle
      for (let i = 0; i < p.latencyIters; i++) {
        started = deferred<number>();
        done = deferred<void>();
        // A random idle gap, so a poll-based worker is caught at every phase of its poll.
        await sleep(Math.random() * 3);
        const t0 = nowMs();
        await s.addOne({ i });
        const tStart = await withTimeout(started.promise, p.timeoutMs, `job ${i} to start`);
        await withTimeout(done.promise, p.timeoutMs, `job ${i} to complete`);
        samples.push(tStart - t0);
      }
    } finally {
      await worker.stop();
    }
    return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99) };
  } finally {
    await s.teardown();
  }
}

async function positions(s: BenchSystem, p: ScenarioParams, db: () => string): Promise<Metrics> {
  const getPosition = s.getPosition?.bind(s);
  if (!getPosition) throw new Error(`${s.name} has no position API`);
  await s.setup(db());
  try {
    const out: Metrics = { wrong: 0 };
    const ids: JobRef[] = [];
    for (const [key, size] of [['small', p.n], ['large', p.n * 10]] as const) {
      for (const id of await fill(s, ids.length, size - ids.length)) ids.push(id);
      const times: number[] = [];
      let wrong = 0;
      for (let k = 0; k < p.positionSamples; k++) {
        const idx = Math.floor(((k + 0.5) * ids.length) / p.positionSamples);
        const t0 = nowMs();
        const pos = await getPosition(ids[idx] as JobRef);
        times.push(nowMs() - t0);
        // Positions are 0- or 1-based depending on the API; either way they must track the index.
        if (pos === null || (pos !== idx && pos !== idx + 1)) wrong++;
      }
      out[`${key}P50`] = median(times);
      out[`${key}P95`] = percentile(times, 95);
      out.wrong = (out.wrong ?? 0) + wrong;
    }
    return out;
  } finally {
    await s.teardown();
  }
}

const fmtInt = (v: number): string => v.toLocaleString('en-US');

const jobsPerSec: MetricDef[] = [
  { key: 'jobsPerSec', label: 'jobs/s', unit: 'jobs/s', better: 'higher' },
  { key: 'cpuUsPerJob', label: 'CPU/job', unit: 'µs', better: 'lower' },
];

export const SCENARIOS: ScenarioDef[] = [
  {
    id: 'S1',
    title: 'S1 add one at a time',
    describe: (p) => `${p.n} jobs, each \`add\` awaited before the next`,
    metrics: jobsPerSec,
    applies: () => true,
    run: addSequential,
  },
  {
    id: 'S2',
    title: 'S2 bulk add',
    describe: (p) => `${p.n} jobs in chunks of ${BULK_CHUNK} through the bulk API (sequential where there is none)`,
    metrics: jobsPerSec,
    applies: () => true,
    run: addBulk,
  },
  {
    id: 'S3',
    title: 'S3 drain, concurrency 1',
    describe: (p) => `${p.n} no-op jobs pre-added; worker start to last completion`,
    metrics: jobsPerSec,
    applies: () => true,
    run: drain(1),
  },
  {
    id: 'S4',
    title: 'S4 drain, concurrency 10',
    describe: (p) => `${p.n} no-op jobs pre-added; worker start to last completion`,
    metrics: jobsPerSec,
    applies: () => true,
    run: drain(10),
  },
  {
    id: 'S5',
    title: 'S5 enqueue-to-start latency, idle worker',
    describe: (p) => `${p.latencyIters} jobs, one at a time, 0-3 ms idle gap between them`,
    metrics: [
      { key: 'p50', label: 'p50', unit: 'ms', better: 'lower' },
      { key: 'p95', label: 'p95', unit: 'ms', better: 'lower' },
      { key: 'p99', label: 'p99', unit: 'ms', better: 'lower' },
    ],
    applies: () => true,
    run: latency,
  },
  {
    id: 'POS',
    title: 'Position lookup',
    describe: (p) =>
      `${p.positionSamples} \`getPosition\` calls spread through ${p.n} and then ${p.n * 10} waiting jobs`,
    metrics: [
      { key: 'smallP50', label: (p) => `p50 @ ${fmtInt(p.n)}`, unit: 'ms', better: 'lower' },
      { key: 'largeP50', label: (p) => `p50 @ ${fmtInt(p.n * 10)}`, unit: 'ms', better: 'lower' },
      { key: 'largeP95', label: (p) => `p95 @ ${fmtInt(p.n * 10)}`, unit: 'ms', better: 'lower' },
      { key: 'wrong', label: 'wrong positions', unit: 'count', better: 'lower' },
    ],
    applies: (s) => typeof s.getPosition === 'function',
    run: positions,
  },
];

/** A directory of temp DB files that is removed afterwards. */
export function tempDbDir(): { next: () => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-bench-'));
  let k = 0;
  return {
    next: () => join(dir, `db-${k++}.sqlite`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
