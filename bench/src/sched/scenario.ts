/**
 * The SCHED row (issue 14): how late schedule ticks fire, and whether each fires exactly once,
 * with three worker processes racing for them. Ten schedules on one queue, each a cron firing
 * every second (`* * * * * *`, so ten ticks fall due together each second), for
 * max(3 s, 2 × the time budget), counted from the first whole second after the three processes
 * are ready. Lateness of a tick = the `createdAt` of its job (stamped by the
 * storage's clock when the winning worker enqueued it) − the tick's time (read back with
 * `scheduledTick`). Duplicates = jobs beyond one per (schedule, tick); missed = ticks between a
 * schedule's first and last fired tick that fired no job.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JobRecord, type Queue, scheduledTick } from '@waitline/core';
import { type Metrics, type ScenarioDef, type ScenarioParams, sleep } from '../kit.js';
import { percentile } from '../stats.js';
import type { BenchSystem, Place } from '../systems/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const PROCESSES = 3;
const SCHEDULES = 10;

interface Child {
  stop(): Promise<void>;
}

function startWorkerProcess(queue: Queue<unknown>, timeoutMs: number): Promise<Child> {
  const job = { descriptor: queue.storage.describe(), queue: queue.name };
  const child = fork(join(here, 'sched-worker.ts'), [JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.execArgv });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a schedule worker process did not start in time')), timeoutMs);
    child.once('message', () => {
      clearTimeout(timer);
      resolve({
        stop: async () => {
          child.send('stop');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`a schedule worker process exited with ${code} before it was ready`)));
  });
}

async function allJobs(queue: Queue<unknown>): Promise<JobRecord[]> {
  const jobs: JobRecord[] = [];
  for (;;) {
    const afterSeq = jobs.at(-1)?.seq;
    const page = await queue.storage.listJobs({ queue: queue.name, limit: 500, order: 'asc', ...(afterSeq === undefined ? {} : { afterSeq }) });
    jobs.push(...page.items);
    if (page.items.length < 500) return jobs;
  }
}

/** Lateness, duplicates and missed ticks of what the schedules fired. */
function figures(jobs: readonly JobRecord[]): Metrics {
  const late: number[] = [];
  const ticks = new Map<string, Set<number>>();
  let duplicates = 0;
  for (const job of jobs) {
    const tick = scheduledTick(job);
    if (!tick) continue;
    const seen = ticks.get(tick.schedule) ?? new Set<number>();
    ticks.set(tick.schedule, seen);
    if (seen.has(tick.tickAt)) duplicates += 1;
    seen.add(tick.tickAt);
    late.push(job.createdAt - tick.tickAt);
  }
  let missed = 0;
  for (const seen of ticks.values()) {
    const at = [...seen].sort((a, b) => a - b);
    const span = ((at.at(-1) ?? 0) - (at[0] ?? 0)) / 1000 + 1;
    missed += Math.max(0, Math.round(span) - at.length);
  }
  late.sort((a, b) => a - b);
  return { fired: late.length, p50: percentile(late, 50), p99: percentile(late, 99), max: late.at(-1) ?? Number.NaN, duplicates, missed };
}

async function schedRun(s: BenchSystem, p: ScenarioParams, place: () => Place): Promise<Metrics> {
  await s.setup(place());
  const queue = s.waitlineQueue?.() as Queue<unknown> | undefined;
  if (!queue) throw new Error(`${s.name} has no Waitline queue`);
  try {
    for (let k = 0; k < SCHEDULES; k++) await queue.schedule(`tick-${k}`, { cron: '* * * * * *', payload: { k } });
    const children = await Promise.all(Array.from({ length: PROCESSES }, () => startWorkerProcess(queue, p.timeoutMs)));
    // Measured from the first whole second after every process is ready: the ticks before it
    // wait for processes starting, which is not what the row is about.
    const from = Math.ceil(queue.clock.now() / 1000) * 1000 + 1000;
    try {
      await sleep(Math.max(3_000, 2 * p.budgetMs));
      for (let k = 0; k < SCHEDULES; k++) await queue.unschedule(`tick-${k}`);
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
    return figures((await allJobs(queue)).filter((j) => (scheduledTick(j)?.tickAt ?? 0) >= from));
  } finally {
    await s.teardown();
  }
}

export const SCHED: ScenarioDef = {
  id: 'SCHED',
  title: 'SCHED schedule ticks fired by 3 worker processes',
  describe: (p) =>
    `${SCHEDULES} schedules on one queue, each \`* * * * * *\` (every second, so ${SCHEDULES} ticks fall due at once), fired by ` +
    `${PROCESSES} worker processes racing for them, for ${Math.max(3, (2 * p.budgetMs) / 1000)} s; lateness = the job's createdAt − its tick ` +
    '(ms; the storage clock stamps both); duplicates = jobs beyond one per tick; missed = ticks inside a schedule’s fired span with no job',
  metrics: [
    { key: 'p50', label: 'lateness p50', unit: 'ms', better: 'lower' },
    { key: 'p99', label: 'lateness p99', unit: 'ms', better: 'lower' },
    { key: 'max', label: 'lateness max', unit: 'ms', better: 'lower' },
    { key: 'fired', label: 'ticks fired', unit: 'jobs', better: 'higher' },
    { key: 'duplicates', label: 'duplicates', unit: 'jobs', better: 'lower' },
    { key: 'missed', label: 'missed', unit: 'ticks', better: 'lower' },
  ],
  applies: (s) => s.id.startsWith('waitline-') && s.waitlineQueue !== undefined,
  onlyWhereApplies: true,
  noRatios: true,
  run: schedRun,
};
