/**
 * Event streams on every storage: one storage subscription per queue however many listen, the
 * cap, release on disconnect, keep-alive comments, and the admin queue stream's events and stats.
 */
import { Queue, type Storage, Worker } from '@waitline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, type Served, serve, until } from './serve.js';
import { testStorages } from './storages.js';

for (const kind of await testStorages()) {
  describe(`event streams on ${kind.name}`, () => {
    let storage: Storage;
    let cleanup: () => Promise<void>;
    let served: Served;
    let q: Queue;
    let subscribes = 0;
    let live = 0;

    beforeAll(async () => {
      ({ storage, cleanup } = await kind.open());
      q = new Queue(storage, 'streamed');
      // A queue object takes one subscription of its own at its first status, held while it lives
      // (to hear the completions its ETA ranges are calibrated on): take it before counting.
      const warm = await q.add({ n: -1 });
      await q.getStatus(warm.id);
      await q.clear();
      // Count the storage subscriptions the handler takes, by wrapping the notifier's subscribe.
      const notifier = storage.notifier!;
      const subscribe = notifier.subscribe.bind(notifier);
      notifier.subscribe = (queue, listener, options) => {
        if (queue !== 'streamed') return subscribe(queue, listener, options);
        subscribes++;
        live++;
        const off = subscribe(queue, listener, options);
        return () => {
          live--;
          off();
        };
      };
      served = await serve({ queues: [q], maxStreams: 25, keepAliveMs: 1_000, authorize: () => true });
    });
    afterAll(async () => {
      await served?.close();
      await cleanup?.();
    });

    it('holds one storage subscription for 20 job streams, and releases it when they disconnect', async () => {
      const jobs = await q.addBulk(Array.from({ length: 20 }, (_, n) => ({ payload: { n } })));
      const streams = await Promise.all(jobs.map((j) => openStream(`${served.url}/jobs/streamed/${j.id}/events`)));
      await Promise.all(streams.map((s, i) => s.next((e) => e.data.position === i + 1)));
      expect(served.handler.openStreams).toBe(20);
      expect(served.handler.subscriptions).toBe(1);
      expect(live).toBe(1);
      for (const s of streams) s.close();
      await until(() => served.handler.openStreams === 0, 10_000, 'streams released');
      expect(served.handler.subscriptions).toBe(0);
      expect(live).toBe(0);
      expect(subscribes).toBe(1);
      await q.clear();
    });

    it('refuses streams over maxStreams with 503 and takes them again once some close', async () => {
      const jobs = await q.addBulk(Array.from({ length: 26 }, (_, n) => ({ payload: { n } })));
      const streams = await Promise.all(jobs.slice(0, 25).map((j) => openStream(`${served.url}/jobs/streamed/${j.id}/events`)));
      const over = await openStream(`${served.url}/jobs/streamed/${jobs[25]!.id}/events`).catch((e) => e);
      expect(over.status).toBe(503);
      expect(over.body.error.code).toBe('TOO_MANY_STREAMS');
      streams[0]!.close();
      await until(() => served.handler.openStreams === 24, 10_000, 'one stream released');
      const again = await openStream(`${served.url}/jobs/streamed/${jobs[25]!.id}/events`);
      await again.next((e) => e.event === 'status');
      again.close();
      for (const s of streams) s.close();
      await until(() => served.handler.openStreams === 0, 10_000, 'streams released');
      await q.clear();
    });

    it('sends keep-alive comments on an idle stream', async () => {
      const job = await q.add({ n: 1 });
      const response = await fetch(`${served.url}/jobs/streamed/${job.id}/events`);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 10_000;
      while (!text.includes(': keep-alive') && Date.now() < deadline) text += decoder.decode((await reader.read()).value);
      expect(text).toContain(': keep-alive');
      await reader.cancel();
      await until(() => served.handler.openStreams === 0, 10_000, 'stream released');
      await q.clear();
    });

    it('streams the queue’s events and its stats to the admin', async () => {
      const stream = await openStream(`${served.url}/queues/streamed/events`);
      await stream.next((e) => e.event === 'stats');
      const job = await q.add({ n: 1 });
      await stream.next((e) => e.event === 'job:added' && e.data.jobId === job.id);
      const w = new Worker(q, async () => 'done');
      await stream.next((e) => e.event === 'job:completed' && e.data.jobId === job.id);
      await stream.next((e) => e.event === 'stats' && e.data.counts.completed >= 1);
      await w.close();
      stream.close();
      await until(() => served.handler.openStreams === 0, 10_000, 'stream released');
    });

    it('sends a failure event and ends a job stream when the job is removed', async () => {
      const job = await q.add({ n: 1 });
      const stream = await openStream(`${served.url}/jobs/streamed/${job.id}/events`);
      await stream.next((e) => e.event === 'status');
      await q.clear();
      const failure = await stream.next((e) => e.event === 'failure');
      expect(failure.data.error.code).toBe('JOB_NOT_FOUND');
      await stream.ended;
      await until(() => served.handler.openStreams === 0, 10_000, 'stream released');
    });

    it('answers a stream of a job already final with its status, then ends', async () => {
      const job = await q.add({ n: 1 });
      await q.cancel(job.id);
      const stream = await openStream(`${served.url}/jobs/streamed/${job.id}/events`);
      await stream.ended;
      expect(stream.events.map((e) => [e.event, e.data.state])).toEqual([['status', 'cancelled']]);
      expect((await call(`${served.url}/jobs/streamed/${job.id}`)).body.state).toBe('cancelled');
    });
  });
}
