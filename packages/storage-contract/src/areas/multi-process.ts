/**
 * Contract area, across real processes: several worker processes drain one queue on one
 * database. Every job completes exactly once, the queue's global concurrency is never exceeded,
 * as measured inside the handlers, and every process runs at least 10% of the jobs: a worker that
 * settles a job and claims in the same step does not keep the freed slot from the others.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import type { StorageHarness } from '../harness.js';
import { sleep, until, useLive } from '../live.js';

/** The size of the run. */
export interface MultiProcessOptions {
  processes: number;
  concurrencyPerProcess: number;
  /** The queue's global limit; below processes × concurrency so the limit is what binds. */
  queueConcurrency: number;
  jobs: number;
  handlerMs: number;
  timeoutMs: number;
}

interface Run {
  id: string;
  start: number;
  end: number;
  attempt: number;
}

/** The most intervals open at once. */
export function peakOverlap(runs: readonly Run[]): number {
  const edges = runs.flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const e of edges) {
    open += e.d;
    peak = Math.max(peak, open);
  }
  return peak;
}

function spawn(input: Record<string, unknown>) {
  const child = fork(fileURLToPath(new URL('../children/drain-worker.mjs', import.meta.url)), [JSON.stringify(input)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const ready = new Promise<void>((resolve) => child.on('message', (m: { type: string }) => m.type === 'ready' && resolve()));
  const report = new Promise<{ runs: Run[]; errors: string[] }>((resolve, reject) => {
    child.on('message', (m: { type: string; runs: Run[]; errors: string[] }) => m.type === 'report' && resolve(m));
    child.on('exit', (code) => code !== 0 && reject(new Error(`worker process exited with ${code}`)));
  });
  return { child, ready, report };
}

/** Registers the multi-process drain area. */
export function describeMultiProcess(harness: StorageHarness, o: MultiProcessOptions): void {
  describe(`${harness.name}: ${o.processes} processes × concurrency ${o.concurrencyPerProcess}`, () => {
    requireCapability(harness, 'reopenable');
    const live = useLive(harness);

    it(`drain ${o.jobs} jobs: each completed exactly once, never more than ${o.queueConcurrency} running, every process ≥ 10%`, {
      timeout: o.timeoutMs + 30_000,
    }, async () => {
      const q = new Queue(live.storage(), 'multi', { concurrency: o.queueConcurrency });
      await q.ready();
      const input = { descriptor: live.storage().describe(), queue: 'multi', concurrency: o.concurrencyPerProcess, handlerMs: o.handlerMs };
      const children = Array.from({ length: o.processes }, () => spawn(input));
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.child.send({ type: 'go' });
      // Every worker registered before the jobs arrive: the shares are then decided among all of
      // them, and a process whose heartbeat thread boots slowly is not measured against a drain
      // that ended before it could claim (1 ms jobs drain in about a second).
      await until(async () => (await q.getStats()).workers.length >= o.processes, `${o.processes} workers registered`, 30_000);
      // ...and seen by each other: a worker re-reads the live workers for its share at most every 500 ms.
      await sleep(700);
      for (let i = 0; i < o.jobs; i += 1_000) {
        await q.addBulk(Array.from({ length: Math.min(1_000, o.jobs - i) }, (_, k) => ({ payload: { n: i + k } })));
      }
      await until(async () => (await q.getStats()).counts.completed === o.jobs, `${o.jobs} completions`, o.timeoutMs);
      for (const c of children) c.child.send({ type: 'stop' });
      const reports = await Promise.all(children.map((c) => c.report));
      const runs = reports.flatMap((r) => r.runs);
      expect(runs).toHaveLength(o.jobs);
      expect(new Set(runs.map((r) => r.id)).size).toBe(o.jobs);
      expect(runs.every((r) => r.attempt === 1)).toBe(true);
      const peak = peakOverlap(runs);
      expect(peak).toBeLessThanOrEqual(o.queueConcurrency);
      expect(peak).toBeGreaterThan(1);
      // Work is shared: under the global limit each worker holds back to its share of it.
      const shares = reports.map((r) => r.runs.length / o.jobs);
      for (const share of shares) expect(share).toBeGreaterThanOrEqual(0.1);
      const stats = await q.getStats();
      expect(stats.counts).toMatchObject({ completed: o.jobs, queued: 0, running: 0, failed: 0 });
    });
  });
}
