/**
 * What does not depend on the storage: options validation, routing under a base path, methods,
 * the OpenAPI document, the error body of unknown failures, and the history route.
 */
import { Queue, type Storage, ValidationError, Worker } from '@waitline/core';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../src/index.js';
import { call, type Served, serve, until } from './serve.js';
import { testStorages } from './storages.js';

const [sqlite] = await testStorages();

describe('the handler', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let served: Served;
  let q: Queue<{ text: string }>;

  beforeAll(async () => {
    ({ storage, cleanup } = await sqlite!.open());
    q = new Queue(storage, 'embed', { payload: z.object({ text: z.string().min(1) }) });
    served = await serve({ queues: [q], basePath: '/ops/waitline', authorize: () => true, allowAdd: true });
  });
  afterAll(async () => {
    await served?.close();
    await cleanup?.();
  });

  it('refuses bad options with a ValidationError naming the option', () => {
    const cases: Array<[unknown, Array<string | number>]> = [
      [{ queues: [] }, ['options', 'queues']],
      [{ queues: [q, q] }, ['options', 'queues', 1]],
      [{ queues: [q], basePath: 'waitline' }, ['options', 'basePath']],
      [{ queues: [q], basePath: '/waitline/' }, ['options', 'basePath']],
      [{ queues: [q], authorize: true }, ['options', 'authorize']],
      [{ queues: [q], expose: { other: { result: true } } }, ['options', 'expose', 'other']],
      [{ queues: [q], maxStreams: 0 }, ['options', 'maxStreams']],
      [{ queues: [q], typo: 1 }, ['options']],
    ];
    for (const [options, path] of cases) {
      let caught: unknown;
      try {
        createHandler(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(path)).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).path.slice(0, path.length)).toEqual(path);
    }
  });

  it('serves only under its base path, and says which methods a path allows', async () => {
    expect((await call(`${served.url}/health`)).status).toBe(200);
    const outside = await call(served.url.replace('/ops/waitline', '/health'));
    expect(outside.status).toBe(404);
    const unknown = await call(`${served.url}/nothing/here`);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const wrong = await call(`${served.url}/health`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const head = await fetch(`${served.url}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const options = await fetch(`${served.url}/queues/embed/jobs`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    expect((await fetch(`${served.url}/nothing/here`, { method: 'OPTIONS' })).status).toBe(404);
  });

  it('refuses a malformed %-escape in the path and a limit that is not decimal digits (400)', async () => {
    for (const path of ['/jobs/embed/%ZZ', '/queues/%E2%82/jobs', '/nothing/%ZZ']) {
      const { status, body } = await call(`${served.url}${path}`);
      expect([path, status, body.error.code]).toEqual([path, 400, 'BAD_REQUEST']);
    }
    for (const limit of ['0x10', '1e1', '%201', '', '-1', '0', '101', '2.5']) {
      const { status, body } = await call(`${served.url}/queues/embed/jobs?limit=${limit}`);
      expect([limit, status, body.error.path]).toEqual([limit, 400, ['query', 'limit']]);
    }
    const { status, body } = await call(`${served.url}/queues/embed/jobs?limit=7`);
    expect([status, body.jobs]).toEqual([200, []]);
  });

  it('publishes an OpenAPI 3.1 document of every route, with the queue’s payload schema', async () => {
    const { status, body } = await call(`${served.url}/openapi.json`);
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(body.servers).toEqual([{ url: '/ops/waitline' }]);
    for (const [path, method] of [
      ['/health', 'get'],
      ['/jobs/{queue}/{id}', 'get'],
      ['/jobs/{queue}/{id}/events', 'get'],
      ['/queues', 'get'],
      ['/queues/{queue}/jobs', 'get'],
      ['/queues/{queue}/jobs', 'post'],
      ['/jobs/{queue}/{id}/priority', 'put'],
      ['/queues/{queue}/clean', 'post'],
    ]) {
      expect(body.paths[path!]?.[method!], `${method} ${path}`).toBeDefined();
    }
    expect(body.paths['/jobs/{queue}/{id}'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/PublicJobStatus');
    expect(body.components.schemas.PublicJobStatus.properties.position).toBeDefined();
    const list = body.paths['/queues/{queue}/jobs'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(['queue', 'state', 'limit', 'cursor']);
    const add = body.paths['/queues/{queue}/jobs'].post.requestBody.content['application/json'].schema;
    expect(add['x-payload-by-queue'].embed.properties.text).toMatchObject({ type: 'string', minLength: 1 });
    expect(body.paths['/queues/{queue}/pause'].post['x-waitline-action']).toBe('queue.pause');
  });

  it('reports a storage that does not answer as 503 with the reason, the others as ok', async () => {
    const gone = await sqlite!.open();
    const lost = new Queue(gone.storage, 'lost');
    await lost.ready();
    await gone.cleanup();
    const h = createHandler({ queues: [q, lost] });
    const response = await h(new Request('http://x/health'));
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.status).toBe('unavailable');
    expect(body.queues.embed).toBe('ok');
    expect(body.queues.lost).not.toBe('ok');
    expect(body.queues.lost.length).toBeGreaterThan(0);
  });

  it('answers an unexpected failure as 500 without its message', async () => {
    const broken = new Queue(storage, 'broken');
    broken.getStatus = async () => {
      throw new Error('secret connection string');
    };
    const h = createHandler({ queues: [broken] });
    const response = await h(new Request('http://x/jobs/broken/j_1'));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error', path: [] } });
  });

  it('gives the last hour by minute and the waits told to users against the real ones', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const w = new Worker(q, async (job) => (job.payload.text === 'block' ? gate.then(() => 'ok') : 'ok'), { concurrency: 1 });
    await q.finished((await q.add({ text: 'warm' })).id, { timeoutMs: 15_000 });
    const blocker = await q.add({ text: 'block' });
    await until(async () => (await q.getStatus(blocker.id)).state === 'running', 15_000, 'the blocker to run');
    const told = await call(`${served.url}/queues/embed/jobs`, { method: 'POST', json: { payload: { text: 'hello' } } });
    expect(told.status).toBe(201);
    expect(told.body.eta.startsInMs).not.toBeNull();
    open();
    await q.finished(told.body.id, { timeoutMs: 15_000 });
    await w.close();
    const { body } = await call(`${served.url}/queues/embed/history`);
    expect(body.bucketMs).toBe(60_000);
    expect(body.buckets).toHaveLength(60);
    expect(body.buckets.reduce((n: number, b: { completed: number }) => n + b.completed, 0)).toBe(3);
    expect(body.buckets.at(-1).runMs.p50).not.toBeNull();
    expect(body.predictions).toEqual([expect.objectContaining({ jobId: told.body.id })]);
  });
});
