/**
 * The job tracker when two full reads of one job overlap and the storage answers them out of
 * order (a pooled Postgres can): a stream never goes back to an older status.
 */
import type { JobStatus, Queue } from '@waitline/core';
import { expect, it } from 'vitest';
import { JobTracker } from '../src/job-tracker.js';

const status = (state: JobStatus['state']) => ({ id: 'j', state }) as JobStatus;

it('delivers the newer status when an older read answers last', async () => {
  const pending: Array<(s: JobStatus) => void> = [];
  const queue = {
    getStatus: () => new Promise<JobStatus>((resolve) => pending.push(resolve)),
    getPosition: async () => null,
  } as unknown as Queue;
  const tracker = new JobTracker(queue, { jobRefreshMs: 60_000, etaRefreshMs: 60_000, fullReadsPerSweep: 10, readConcurrency: 4 }, () => undefined);
  const seen: string[] = [];
  tracker.watch('j', (s) => s && seen.push(s.state));
  tracker.changed('j'); // an event: a second full read while the first is in flight
  await expect.poll(() => pending.length).toBeGreaterThanOrEqual(2);
  await new Promise((r) => setTimeout(r, 100)); // the sweep's read too, if it starts one
  const newest = pending.length - 1;
  pending[newest]?.(status('running'));
  await expect.poll(() => seen).toEqual(['running']);
  for (let i = 0; i < newest; i++) pending[i]?.(status('queued')); // the older reads, answered last
  await new Promise((r) => setTimeout(r, 20));
  expect(seen.every((s) => s === 'running')).toBe(true);
  tracker.close();
});
