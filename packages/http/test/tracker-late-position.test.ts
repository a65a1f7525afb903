/**
 * A position read that answers after a newer full read (a pooled storage answering out of order)
 * never takes the job stream back from `running` to `queued`. Real server on localhost, real SQLite
 * file; the storage's getPosition answer is held back (the read itself runs at once) to stand for
 * a slow pooled connection.
 */
import { Queue, Worker } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { openStream, until } from './serve.js';
import { useServedSqlite } from './served-sqlite.js';

describe('job stream vs an out-of-order position read', () => {
  const sqlite = useServedSqlite();
  let hold: Promise<void> | null = null;
  let heldCalls = 0;

  it('never sends queued after running for a job that is running', async () => {
    const raw = sqlite.storage();
    const slow = new Proxy(raw, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (prop === 'getPosition') {
          return async (p: unknown) => {
            const answer = await (v as (p: unknown) => Promise<number | null>).call(target, p);
            const gate = hold;
            if (gate) {
              hold = null;
              heldCalls++;
              await gate;
            }
            return answer;
          };
        }
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const q = new Queue(slow, 'race');
    const workerQueue = new Queue(raw, 'race');
    const served = await sqlite.serve({ queues: [q] });
    const ahead = await q.add({ n: 1 });
    const job = await q.add({ n: 2 });
    const stream = await openStream(`${served.url}/jobs/race/${job.id}/events`);
    await stream.next((e) => e.data.state === 'queued' && e.data.position === 2);

    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    // The job ahead leaves: the next sweep reads the watched job's position (held back: 1).
    await q.cancel(ahead.id);
    await until(() => heldCalls === 1, 5_000, 'the held position read');
    // Meanwhile a worker claims the job: the stream gets `running`.
    let finish!: () => void;
    const running = new Promise<void>((r) => (finish = r));
    const worker = new Worker(workerQueue, () => running.then(() => 'ok'));
    await stream.next((e) => e.data.state === 'running');
    // The old position answer arrives now.
    release();
    await new Promise((r) => setTimeout(r, 1_500));
    try {
      const seq = stream.events.map((e) => e.data.state);
      expect(seq.slice(seq.indexOf('running'))).not.toContain('queued');
    } finally {
      stream.close();
      finish();
      await worker.close();
    }
  });
});
