/**
 * The scenarios, the same in every storage family. S1–S5 measure throughput and latency; each
 * runs one system on a fresh place and returns named metrics. They only use the BenchSystem
 * interface, so every system does exactly the same work. Position and memory are in sizing.ts.
 */
import { BULK_CHUNK, budget, cpuPerJob, deferred, onFreshPlace, payloads, rate, type ScenarioDef, type ScenarioParams, sleep, withTimeout } from './kit.js';
import { HTTP_SSE, HTTP_STATUS } from './http/scenarios.js';
import { MOVE } from './move/scenario.js';
import { SCHED } from './sched/scenario.js';
import { drain, jobsPerSec, type Run } from './drain.js';
import { DRAIN_GROUPED, POSITION_GROUPED } from './groups.js';
import { MEMORY, POSITION } from './sizing.js';
import { nowMs, percentile } from './stats.js';

export type { Metrics, ScenarioDef, ScenarioParams } from './kit.js';
export { BULK_CHUNK } from './kit.js';

const addSequential: Run = (s, p, place) =>
  onFreshPlace(s, place, async () => {
    const b = budget(p.budgetMs);
    const c0 = process.cpuUsage();
    const t0 = nowMs();
    let i = 0;
    while (i < p.n && !b.over()) await s.addOne({ i: i++ });
    const elapsed = nowMs() - t0;
    return { jobsPerSec: rate(i, elapsed), cpuUsPerJob: cpuPerJob(c0, i), done: i };
  });

const addBulk: Run = (s, p, place) =>
  onFreshPlace(s, place, async () => {
    const b = budget(p.budgetMs);
    const c0 = process.cpuUsage();
    const t0 = nowMs();
    let done = 0;
    while (done < p.n && !b.over()) {
      done += (await s.addBulk(payloads(done, Math.min(BULK_CHUNK, p.n - done)))).length;
    }
    const elapsed = nowMs() - t0;
    return { jobsPerSec: rate(done, elapsed), cpuUsPerJob: cpuPerJob(c0, done), done };
  });

const latency: Run = (s, p, place) =>
  onFreshPlace(s, place, async () => {
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
      const b = budget(p.budgetMs);
      for (let i = 0; i < p.latencyIters && !b.over(); i++) {
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
    const pc = (q: number): number => percentile(samples, q);
    return { p50: pc(50), p95: pc(95), p99: pc(99), done: samples.length };
  });

const drainDescribe = (p: ScenarioParams): string => `${p.n} no-op jobs pre-added; worker start to last completion recorded`;

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
    describe: drainDescribe,
    metrics: jobsPerSec,
    applies: () => true,
    run: drain(1),
  },
  {
    id: 'S4',
    title: 'S4 drain, concurrency 10',
    describe: drainDescribe,
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
  DRAIN_GROUPED,
  POSITION,
  POSITION_GROUPED,
  MEMORY,
  HTTP_STATUS,
  HTTP_SSE,
  MOVE,
  SCHED,
];

/** How many units of work each scenario aims at (for "k of n" notes on budget-stopped runs). */
export function target(id: string, p: ScenarioParams): number | undefined {
  if (id === 'S5') return p.latencyIters;
  if (id === 'POS') return p.positionSamples;
  if (id === 'HTTP') return Math.min(p.latencyIters, Math.floor((p.n * 10) / 3));
  if (id === 'SSE') return Math.min(p.sseSubscribers, p.n * 10);
  if (id === 'MOVE') return p.n * 10;
  if (id === 'POSG') return p.positionSamples;
  if (['S1', 'S2', 'S3', 'S4', 'S4G'].includes(id)) return p.n;
  return undefined;
}
