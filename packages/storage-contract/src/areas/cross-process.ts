/**
 * Contract area: what another process does reaches a worker promptly, not at its next poll or
 * heartbeat: a cancel aborts the running handler, an add wakes an idle worker, and a schedule
 * declared there fires its first tick on time here.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { QueueEvents, type StorageDescriptor } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { requireCapability } from '../capabilities.js';
import type { StorageHarness } from '../harness.js';
import { gate, record, until, useLive } from '../live.js';

const run = promisify(execFile);

/** Runs `children/act.mjs` in a new Node process; resolves with what it printed (the job id, for most actions). */
async function actElsewhere(descriptor: StorageDescriptor, input: Record<string, unknown>): Promise<string> {
  const script = fileURLToPath(new URL('../children/act.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [script, JSON.stringify({ descriptor, ...input })]);
  return stdout.trim();
}

/** Registers the cross-process delivery area. */
export function describeCrossProcess(harness: StorageHarness): void {
  describe(`${harness.name}: across processes`, () => {
    requireCapability(harness, 'reopenable');
    const live = useLive(harness);

    it('a cancel from another process aborts the running handler well before the next heartbeat', async () => {
      const q = live.queue('remote-cancel');
      const started = gate();
      live.worker(
        q,
        async (_job, { signal }) => {
          started.open();
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        },
        { leaseMs: 60_000, heartbeatMs: 20_000, pollIntervalMs: 200 },
      );
      const job = await q.add({});
      await started.promise;
      const sentAt = Date.now();
      await actElsewhere(live.storage().describe(), { queue: 'remote-cancel', action: 'cancel', id: job.id });
      await expect(job.finished({ timeoutMs: 10_000 })).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
      // The next heartbeat is 20 s away; the bound counts the other process's start too, which
      // takes seconds on a loaded machine.
      expect(Date.now() - sentAt).toBeLessThan(15_000);
    });

    it('QueueEvents hears the events of queues and workers in another process (where the storage carries them)', async (ctx) => {
      if (!live.storage().capabilities.crossProcessEvents) return ctx.skip();
      const events = new QueueEvents(live.storage(), 'remote-events');
      try {
        const seen = record(events, 'job:added', 'job:active', 'job:progress', 'job:completed');
        await new Promise((r) => setTimeout(r, 100));
        const id = await actElsewhere(live.storage().describe(), { queue: 'remote-events', action: 'run', payload: { n: 1 } });
        await until(() => seen.some((e) => e.event === 'job:completed'), 'the completion from the other process');
        expect(seen.map((e) => e.event)).toEqual(['job:added', 'job:active', 'job:progress', 'job:completed']);
        expect(seen.every((e) => (e.payload as { jobId: string }).jobId === id)).toBe(true);
        expect(seen[3]?.payload).toMatchObject({ result: 'done elsewhere' });
      } finally {
        events.close();
      }
    });

    it('QueueEvents hears the events of another process in the order that process published them', async (ctx) => {
      if (!live.storage().capabilities.crossProcessEvents) return ctx.skip();
      const events = new QueueEvents(live.storage(), 'remote-order');
      try {
        const seen = record(events, 'job:progress', 'job:completed');
        await new Promise((r) => setTimeout(r, 100));
        // 30 progress reports at once: their writes, and the events' journal writes, overlap.
        const out = await actElsewhere(live.storage().describe(), { queue: 'remote-order', action: 'burst', n: 30 });
        const { published } = JSON.parse(out) as { published: string[] };
        await until(() => seen.some((e) => e.event === 'job:completed'), 'the completion from the other process');
        const heard = seen.filter((e) => e.event === 'job:progress').map((e) => (e.payload as { progress: { stage: string } }).progress.stage);
        expect(published).toHaveLength(30);
        expect(heard).toEqual(published);
      } finally {
        events.close();
      }
    });

    it('an add from another process wakes an idle worker well before its next poll', async () => {
      const q = live.queue('remote-add');
      const ran = gate();
      const w = live.worker(q, async () => ran.open(), { pollIntervalMs: 60_000 });
      await w.start();
      await new Promise((r) => setTimeout(r, 100));
      const sentAt = Date.now();
      const id = await actElsewhere(live.storage().describe(), { queue: 'remote-add', action: 'add', payload: { n: 1 } });
      await ran.promise;
      // The next poll is 60 s away; the bound counts the other process's start too, which takes
      // seconds on a loaded machine (as in the cancel test above).
      expect(Date.now() - sentAt).toBeLessThan(15_000);
      expect((await q.getJob(id))?.state).not.toBe('queued');
    });

    it("a schedule declared in another process fires its first tick on time in this process's worker", async () => {
      const q = live.queue('remote-schedule');
      const w = live.worker(q, async () => undefined, { pollIntervalMs: 60_000 });
      await w.start();
      // The worker's schedule loop has read (nothing due) and sleeps its longest now.
      await new Promise((r) => setTimeout(r, 300));
      const out = await actElsewhere(live.storage().describe(), { queue: 'remote-schedule', action: 'schedule', key: 'remote', every: 1_000 });
      const tickAt = Number(out);
      await until(async () => (await q.listJobs({ limit: 1 })).items.length > 0, 'the first tick', 10_000);
      const [job] = (await q.listJobs({ limit: 1 })).items;
      expect(job?.createdAt).toBeGreaterThanOrEqual(tickAt);
      // Fired within 1.5 s of the tick: the schedule poll alone would be up to 5 s late.
      expect((job?.createdAt ?? Number.POSITIVE_INFINITY) - tickAt).toBeLessThanOrEqual(1_500);
    });
  });
}
