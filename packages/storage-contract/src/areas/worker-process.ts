/**
 * Contract area, across real processes: a handler that blocks its event loop for several lease
 * periods is never declared stalled (the heartbeat thread renews), and a worker killed with
 * SIGKILL has its job back in the queue within about two lease periods, without spending an
 * attempt; with every option at its default, it runs again on another worker process within two
 * default lease periods and completes exactly once.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LEASE_MS, Queue, type Storage } from '@waitline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import type { StorageHarness } from '../harness.js';
import { sleep, until, useLive } from '../live.js';

interface ChildNotice {
  type: string;
  jobId?: string;
  attempt?: number;
  message?: string;
  /** When the parent received it. */
  at: number;
}

function startWorkerProcess(input: Record<string, unknown>): { child: ChildProcess; notices: ChildNotice[] } {
  const child = fork(fileURLToPath(new URL('../children/worker.mjs', import.meta.url)), [JSON.stringify(input)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const notices: ChildNotice[] = [];
  child.on('message', (m: Omit<ChildNotice, 'at'>) => notices.push({ ...m, at: Date.now() }));
  return { child, notices };
}

/** Sweepers still running: a failed test's sweeper is stopped before its storage closes. */
const sweepers = new Set<{ stop: () => Promise<string[]> }>();

/** Sweeps expired leases every 50 ms, as any other worker would, until stopped; returns what it moved. */
function sweeper(storage: Storage, queue: string): { stop: () => Promise<string[]> } {
  const moved: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const jobs = await storage.reclaimExpired({ queue, now: Date.now(), error: { name: 'LeaseExpiredError', message: 'expired' } });
      moved.push(...jobs.map((j) => j.id));
      await sleep(50);
    }
  })();
  const handle = {
    stop: async () => {
      running = false;
      sweepers.delete(handle);
      await loop;
      return moved;
    },
  };
  sweepers.add(handle);
  return handle;
}

/** Registers the worker-process area. */
export function describeWorkerProcesses(harness: StorageHarness): void {
  describe(`${harness.name}: worker processes`, () => {
    requireCapability(harness, 'reopenable');
    const live = useLive(harness);
    const children: ChildProcess[] = [];
    afterEach(async () => {
      for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
      await Promise.allSettled([...sweepers].map((s) => s.stop()));
    });

    it('a handler blocking its event loop for 4 lease periods is never declared stalled', async () => {
      const leaseMs = 500;
      const q = new Queue(live.storage(), 'cpu-bound');
      const job = await q.add({});
      const sweep = sweeper(live.storage(), 'cpu-bound');
      const { child, notices } = startWorkerProcess({ descriptor: live.storage().describe(), queue: 'cpu-bound', leaseMs, mode: 'busy', busyMs: 4 * leaseMs });
      children.push(child);
      await until(() => notices.some((n) => n.type === 'done'), 'the busy job to complete', 15_000);
      const moved = await sweep.stop();
      expect(moved).toEqual([]);
      expect(await job.refresh()).toMatchObject({ state: 'completed', attempt: 1, result: 'busy for 2000 ms' });
      child.send({ type: 'stop' });
    });

    it('the job of a worker killed with SIGKILL is back within about two lease periods, its attempt handed back', async () => {
      const leaseMs = 500;
      const q = new Queue(live.storage(), 'killed', { retry: { attempts: 3 } });
      const job = await q.add({});
      const { child, notices } = startWorkerProcess({ descriptor: live.storage().describe(), queue: 'killed', leaseMs, mode: 'hang', busyMs: 0 });
      children.push(child);
      await until(() => notices.some((n) => n.type === 'active'), 'the job to start in the child', 15_000);
      const sweep = sweeper(live.storage(), 'killed');
      await sleep(leaseMs);
      expect((await job.refresh())?.state).toBe('running');
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await until(async () => (await job.refresh())?.state === 'queued', 'the job to be reclaimed', 10_000);
      const backAfter = Date.now() - killedAt;
      expect(await sweep.stop()).toEqual([job.id]);
      expect(backAfter).toBeLessThanOrEqual(2 * leaseMs + 500);
      expect(await job.refresh()).toMatchObject({ state: 'queued', attempt: 0, stalls: 1 });
      expect((await job.refresh())?.error?.name).toBe('LeaseExpiredError');
    });

    it("with default options, a SIGKILLed worker's job runs again on another worker within two lease periods, once", async () => {
      const q = new Queue(live.storage(), 'killed-defaults');
      const job = await q.add({});
      const descriptor = live.storage().describe();
      const victim = startWorkerProcess({ descriptor, queue: 'killed-defaults', defaults: true, mode: 'hang', busyMs: 0 });
      children.push(victim.child);
      await until(() => victim.notices.some((n) => n.type === 'active'), 'the job to start in the first worker', 15_000);
      const rescuer = startWorkerProcess({ descriptor, queue: 'killed-defaults', defaults: true, mode: 'busy', busyMs: 0 });
      children.push(rescuer.child);
      await until(() => rescuer.notices.some((n) => n.type === 'ready'), 'the second worker to start', 15_000);
      // A lease period later the first worker's heartbeat thread still holds the job.
      await sleep(DEFAULT_LEASE_MS);
      expect(await job.refresh()).toMatchObject({ state: 'running', attempt: 1, stalls: 0 });
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      const rerun = () => rescuer.notices.find((n) => n.type === 'active' && n.jobId === job.id);
      await until(() => rerun() !== undefined, 'the job to run again in the second worker', 4 * DEFAULT_LEASE_MS);
      const rerunAfter = (rerun()?.at ?? Number.NaN) - killedAt;
      await until(() => rescuer.notices.some((n) => n.type === 'done'), 'the job to complete', 5_000);
      console.info(`${harness.name}: SIGKILL to running again on another worker: ${rerunAfter} ms (lease ${DEFAULT_LEASE_MS} ms)`);
      expect(rerunAfter).toBeLessThanOrEqual(2 * DEFAULT_LEASE_MS);
      expect(rerun()).toMatchObject({ attempt: 1 });
      expect(await job.refresh()).toMatchObject({ state: 'completed', attempt: 1, stalls: 1, result: 'busy for 0 ms' });
      expect(rescuer.notices.filter((n) => n.jobId === job.id).map((n) => n.type)).toEqual(['active', 'done']);
      expect(rescuer.notices.filter((n) => n.type === 'error')).toEqual([]);
      rescuer.child.send({ type: 'stop' });
    });
  });
}
