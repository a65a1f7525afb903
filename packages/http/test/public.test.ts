/**
 * The public routes on every storage: health, a job's status (position, ETA, what is hidden),
 * isolation between queues, and the status stream of a job from waiting to done.
 */
import { Queue, type Storage, Worker } from '@waitline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, type Served, serve, until } from './serve.js';
import { testStorages } from './storages.js';

for (const kind of await testStorages()) {
  describe(`public routes on ${kind.name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let served: Served;
    let a: Queue<{ n: number; secret?: string }>;
    let b: Queue;
    const workers: Worker[] = [];

    beforeAll(async () => {
      ({ storage, cleanup } = await kind.open());
      a = new Queue(storage, 'a');
      b = new Queue(storage, 'b');
      const shown = new Queue(storage, 'shown');
      served = await serve({ queues: [a, b, shown], basePath: '/wl', expose: { shown: { result: true, error: true } } });
    });
    afterAll(async () => {
      await Promise.all(workers.map((w) => w.close()));
      await served?.close();
      await cleanup?.();
    });

    it('GET /health answers ok for every queue', async () => {
      const { status, body } = await call(`${served.url}/health`);
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok', queues: { a: 'ok', b: 'ok', shown: 'ok' } });
    });

    it('GET /jobs/:queue/:id gives position and ETA and hides the payload', async () => {
      const jobs = [];
      for (let n = 0; n < 3; n++) jobs.push(await a.add({ n, secret: 'hunter2' }));
      const { status, body } = await call(`${served.url}/jobs/a/${jobs[2]!.id}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: jobs[2]!.id, queue: 'a', state: 'queued', position: 3, scheduled: false });
      expect(body.eta).toMatchObject({ basis: 'no-workers', startsInMs: null });
      expect(JSON.stringify(body)).not.toContain('hunter2');
      expect(body).not.toHaveProperty('payload');
      expect(body).not.toHaveProperty('result');
      await a.clear();
    });

    it('answers 404 for an unknown queue, an unknown job, and another queue’s job', async () => {
      const job = await a.add({ n: 1 });
      const unknownQueue = await call(`${served.url}/jobs/nope/${job.id}`);
      expect(unknownQueue.status).toBe(404);
      expect(unknownQueue.body.error).toMatchObject({ code: 'QUEUE_NOT_FOUND', path: ['queue'] });
      const unknownJob = await call(`${served.url}/jobs/a/j_does_not_exist`);
      expect(unknownJob.status).toBe(404);
      expect(unknownJob.body.error.code).toBe('JOB_NOT_FOUND');
      const crossed = await call(`${served.url}/jobs/b/${job.id}`);
      expect(crossed.status).toBe(404);
      expect(crossed.body.error.code).toBe('JOB_NOT_FOUND');
      const events = await call(`${served.url}/jobs/b/${job.id}/events`);
      expect(events.status).toBe(404);
      await a.clear();
    });

    it('shows result and error only where the queue exposes them', async () => {
      const shown = new Queue(storage, 'shown') as Queue<{ fail: boolean }>;
      const w = new Worker(shown, async (job) => {
        if (job.payload.fail) throw new Error('disk full');
        return { words: 42 };
      });
      workers.push(w);
      const ok = await shown.add({ fail: false });
      const bad = await shown.add({ fail: true });
      await shown.finished(ok.id, { timeoutMs: 15_000 });
      await expect(shown.finished(bad.id, { timeoutMs: 15_000 })).rejects.toThrow();
      const okBody = (await call(`${served.url}/jobs/shown/${ok.id}`)).body;
      expect(okBody).toMatchObject({ state: 'completed', result: { words: 42 }, eta: null });
      expect(okBody).not.toHaveProperty('payload');
      const badBody = (await call(`${served.url}/jobs/shown/${bad.id}`)).body;
      expect(badBody.state).toBe('failed');
      expect(badBody.error).toEqual({ name: 'Error', message: 'disk full' });
      await w.close();
    });

    it('streams a job’s status from waiting to completed, then ends the stream', async () => {
      const release: Array<() => void> = [];
      const blockers = [await a.add({ n: 100 }), await a.add({ n: 101 })];
      const watched = await a.add({ n: 102 });
      const stream = await openStream(`${served.url}/jobs/a/${watched.id}/events`);
      await stream.next((e) => e.event === 'status' && e.data.position === 3);
      const w = new Worker(
        a,
        async (job, ctx) => {
          await ctx.progress({ percent: 50, stage: 'transcribing' });
          if (job.payload.n !== 102) await new Promise<void>((r) => release.push(r));
          return job.payload.n;
        },
        { concurrency: 1 },
      );
      workers.push(w);
      // Each blocker's handler parks its release after its progress call: wait for it to be there.
      const releaseNext = async (): Promise<void> => {
        await until(() => release.length > 0, 15_000, 'a blocker to park');
        release.shift()!();
      };
      await stream.next((e) => e.data.position === 2);
      await releaseNext();
      await stream.next((e) => e.data.position === 1);
      await releaseNext();
      await stream.next((e) => e.data.state === 'completed');
      await stream.ended;
      const states = stream.events.map((e) => e.data.state);
      expect(states[0]).toBe('queued');
      expect(states.at(-1)).toBe('completed');
      const positions = stream.events.map((e) => e.data.position).filter((p) => p !== null);
      expect(positions).toEqual([...positions].sort((x, y) => y - x));
      expect(stream.events.every((e) => e.event === 'status')).toBe(true);
      expect(blockers.length).toBe(2);
      await w.close();
      expect(served.handler.openStreams).toBe(0);
    });
  });
}
