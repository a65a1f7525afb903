/**
 * A running job's ETA (its `finishesInMs`, the "N min left" the status page shows) moves on the
 * job stream as it counts down: a running job's `startsInMs` is always 0, so the stream's change key
 * counts the finish too. Real server on localhost, real SQLite file, a real worker.
 */
import { Queue, Worker } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { call, openStream, until } from './serve.js';
import { useServedSqlite } from './served-sqlite.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a running job’s ETA on its stream', () => {
  const sqlite = useServedSqlite();

  it('counts down while the job runs, as GET answers it', async () => {
    const q = new Queue(sqlite.storage(), 'eta');
    const served = await sqlite.serve({ queues: [q] });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const worker = new Worker(q, async (job) => ((job.payload as { long: boolean }).long ? gate : sleep(300)), { concurrency: 1 });
    try {
      // History: 300 ms per unit of size.
      for (let i = 0; i < 3; i++) await q.finished((await q.add({ long: false }, { size: 1 })).id, { timeoutMs: 10_000 });
      const job = await q.add({ long: true }, { size: 60 });
      await until(async () => (await q.getStatus(job.id)).state === 'running', 10_000, 'the job to run');
      const stream = await openStream(`${served.url}/jobs/eta/${job.id}/events`);
      await stream.next((e) => e.data.state === 'running');
      const first = (await call(`${served.url}/jobs/eta/${job.id}`)).body.eta.finishesInMs;
      await sleep(11_000);
      const last = (await call(`${served.url}/jobs/eta/${job.id}`)).body.eta.finishesInMs;
      const streamed = () => stream.events.filter((e) => e.event === 'status').map((e) => e.data.eta?.finishesInMs);
      // The stream told the page something newer than its first figure. Its re-estimates come every
      // 5 s: wait for one 4 s down rather than assume it arrived within the sleep on a loaded machine.
      await until(() => Math.min(...streamed()) < first - 4_000, 10_000, 'a streamed ETA 4 s below the first').catch(() => undefined);
      stream.close();
      expect(first - last).toBeGreaterThan(8_000);
      expect(Math.min(...streamed())).toBeLessThan(first - 4_000);
    } finally {
      open();
      await worker.close();
    }
  });
});
