/**
 * A worker stand-in: claims one job at a time (alternating plain `claim` and settle-with-claim),
 * right after each claim counts the queue's running jobs, holds the job briefly, and completes it
 * with a result recording who ran it and what it saw. Stops when nothing is queued or held.
 * Input: { descriptor, queue, workerId, now, leaseMs, holdMs, deadlineMs }.
 * Report: { claimed: JobId[], maxRunningSeen: number, timedOut: boolean }.
 * @internal
 */
import { openFromDescriptor, runChild, sleep } from './common.mjs';

await runChild({
  setup: async (input) => ({ input, storage: await openFromDescriptor(input.descriptor) }),
  close: ({ storage }) => storage.close(),
  run: async ({ input, storage }) => {
    const { queue, workerId, now, leaseMs, holdMs } = input;
    const deadline = Date.now() + input.deadlineMs;
    const claimed = [];
    let maxRunningSeen = 0;
    let held = null;
    const completion = () => held && [{ id: held.id, leaseToken: held.leaseToken, result: { workerId, runningSeen: held.runningSeen } }];

    while (Date.now() < deadline) {
      let got;
      if (held) {
        const r = await storage.settle({ queue, now, completed: completion(), claim: { workerId, limit: 1, leaseMs } });
        if (r.lost.length > 0) throw new Error(`${workerId} lost its lease on ${held.id}`);
        got = r.claimed;
      } else {
        got = await storage.claim({ queue, workerId, limit: 1, leaseMs, now });
      }
      held = null;
      if (got.length === 0) {
        const waiting = await storage.listJobs({ queue, states: ['queued'], limit: 1 });
        if (waiting.items.length === 0) break;
        await sleep(1);
        continue;
      }
      if (got.length > 1) throw new Error(`${workerId} asked for 1 job and got ${got.length}`);
      const job = got[0];
      const running = await storage.listJobs({ queue, states: ['running'], limit: 1_000 });
      const runningSeen = running.items.length;
      maxRunningSeen = Math.max(maxRunningSeen, runningSeen);
      claimed.push(job.id);
      await sleep(holdMs);
      held = { id: job.id, leaseToken: job.leaseToken, runningSeen };
    }
    if (held) {
      const r = await storage.settle({ queue, now, completed: completion() });
      if (r.lost.length > 0) throw new Error(`${workerId} lost its lease on ${held.id}`);
    }
    return { claimed, maxRunningSeen, timedOut: Date.now() >= deadline };
  },
});
