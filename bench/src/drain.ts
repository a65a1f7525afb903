/**
 * The drain scenarios' shared run (S3, S4, S4G): jobs pre-added, then worker start to the last
 * completion recorded, as jobs per second and CPU per job.
 */
import { cpuPerJob, deferred, fill, type MetricDef, type Metrics, onFreshPlace, rate, type ScenarioParams, within, withTimeout } from './kit.js';
import { nowMs } from './stats.js';
import type { BenchSystem, Place } from './systems/types.js';

/** One scenario run on one system. */
export type Run = (s: BenchSystem, p: ScenarioParams, place: () => Place) => Promise<Metrics>;

export const jobsPerSec: MetricDef[] = [
  { key: 'jobsPerSec', label: 'jobs/s', unit: 'jobs/s', better: 'higher' },
  { key: 'cpuUsPerJob', label: 'CPU/job', unit: 'µs', better: 'lower' },
];

/** Pre-adds n jobs with `fillJobs` (not timed), then times worker start → last completion recorded. */
export function drain(concurrency: number, fillJobs: (s: BenchSystem, count: number) => Promise<unknown> = (s, count) => fill(s, 0, count)): Run {
  return (s, p, place) =>
    onFreshPlace(s, place, async () => {
      await fillJobs(s, p.n);
      const all = deferred<void>();
      let completed = 0;
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
        const finished = await within(all.promise, p.budgetMs);
        if (finished) await withTimeout(worker.settled?.() ?? Promise.resolve(), p.timeoutMs, 'completions to be recorded');
        const done = finished ? p.n : completed;
        const elapsed = nowMs() - t0;
        return { jobsPerSec: rate(done, elapsed), cpuUsPerJob: cpuPerJob(c0, done), done };
      } finally {
        await worker.stop();
      }
    });
}
