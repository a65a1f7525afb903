/**
 * Requests a strict API refuses or answers precisely: a body that is not UTF-8, a query parameter
 * given twice, the path of a refused value (under `body` for body values, `id` for the URL's job
 * id), and the public job stream's progress data. Found by a review with reproductions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, Queue, Worker } from '@waitline/core';
import { SqliteStorage } from '@waitline/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, type Served, serve } from './serve.js';

/** A promise and its resolve (Node 20 has no `Promise.withResolvers`). */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('request handling', () => {
  let queue: Queue;
  let served: Served;

  beforeAll(async () => {
    queue = new Queue(new MemoryStorage(), 'strict');
    served = await serve({ queues: [queue], authorize: () => true, allowAdd: true, expose: { strict: { progressData: true } } });
  });
  afterAll(() => served?.close());

  it('refuses a body that is not valid UTF-8 with 400 at body, and stores nothing', async () => {
    const bytes = Buffer.concat([Buffer.from('{"payload":{"s":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]);
    const res = await call(`${served.url}/queues/strict/jobs`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', path: ['body'] });
    expect((await queue.listJobs({ limit: 10 })).items).toEqual([]);
  });

  it('refuses a query parameter given twice, whichever value comes first', async () => {
    for (const query of ['limit=abc&limit=2', 'limit=2&limit=abc', 'limit=2&limit=2']) {
      const res = await call(`${served.url}/queues/strict/jobs?${query}`);
      expect([query, res.status, res.body.error?.path]).toEqual([query, 400, ['query', 'limit']]);
    }
    expect((await call(`${served.url}/queues/strict/jobs?limit=2&state=queued`)).status).toBe(200);
  });

  it('answers a refused clean age at body.olderThanMs, and a bad job id at id', async () => {
    const clean = await call(`${served.url}/queues/strict/clean`, { method: 'POST', json: { state: 'completed', olderThanMs: 3_155_760_000_001 } });
    expect(clean.status).toBe(400);
    expect(clean.body.error.path).toEqual(['body', 'olderThanMs']);
    const priority = await call(`${served.url}/jobs/strict/${'x'.repeat(300)}/priority`, { method: 'PUT', json: { priority: 5 } });
    expect(priority.status).toBe(400);
    expect(priority.body.error.path).toEqual(['id']);
    const bad = await call(`${served.url}/jobs/strict/${(await queue.add({})).id}/priority`, { method: 'PUT', json: { priority: 0 } });
    expect(bad.body.error.path).toEqual(['body', 'priority']);
    await queue.clear();
  });

  it('streams a progress update that changes only exposed progress data', async () => {
    const gates = [gate(), gate()] as const;
    const worker = new Worker(queue, async (_job, { progress }) => {
      await progress({ percent: 50, stage: 'upload', data: { file: 'one.mp3' } });
      await gates[0].promise;
      await progress({ percent: 50, stage: 'upload', data: { file: 'two.mp3' } });
      await gates[1].promise;
      return 'ok';
    });
    try {
      const job = await queue.add({});
      const stream = await openStream(`${served.url}/jobs/strict/${job.id}/events`);
      await stream.next((e) => e.data.progress?.data?.file === 'one.mp3');
      gates[0].resolve();
      // Only the data changed: the job is still running when the update is streamed.
      const two = await stream.next((e) => e.data.progress?.data?.file === 'two.mp3');
      expect(two.data.state).toBe('running');
      stream.close();
    } finally {
      for (const gate of gates) gate.resolve();
      await worker.close();
    }
  });
});

describe('a storage that cannot answer', () => {
  it('is 503 on the public job routes without naming the storage; the admin routes still say which', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wl-http-')), 'secret-location.db');
    const storage = await SqliteStorage.open({ path });
    const queue = new Queue(storage, 'down');
    const job = await queue.add({});
    const served = await serve({ queues: [queue], authorize: () => true });
    try {
      await storage.close();
      const status = await call(`${served.url}/jobs/down/${job.id}`);
      expect(status.status).toBe(503);
      expect(status.body.error.code).toBe('STORAGE_UNAVAILABLE');
      expect(JSON.stringify(status.body)).not.toContain('secret-location');
      const events = await call(`${served.url}/jobs/down/${job.id}/events`);
      expect(events.status).toBe(503);
      expect(JSON.stringify(events.body)).not.toContain('secret-location');
      const admin = await call(`${served.url}/queues/down`);
      expect(admin.status).toBe(503);
      expect(admin.body.error.message).toContain('secret-location');
    } finally {
      await served.close();
    }
  });
});
