/**
 * Express with `app.use(express.json())` ahead of the mount (the usual Express setup) has read
 * the request body before toNodeListener sees it: the parsed body is used, not a 500. Real server,
 * real SQLite file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, type Storage } from '@waitline/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, toNodeListener } from '../src/index.js';
import { call } from './serve.js';
import { testStorages } from './storages.js';

const [sqlite] = await testStorages();

describe('Express with express.json() before the mount', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let server: Server;
  let base: string;
  let q: Queue;

  beforeAll(async () => {
    ({ storage, cleanup } = await sqlite!.open());
    q = new Queue(storage, 'mounted');
    const handler = createHandler({ queues: [q], basePath: '/waitline', authorize: () => true, allowAdd: true });
    const app = express();
    app.use(express.json());
    app.use('/waitline', toNodeListener(handler));
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await cleanup?.();
  });

  it('reads the body express.json() already parsed: the job and the priority it was sent', async () => {
    const added = await call(`${base}/waitline/queues/mounted/jobs`, {
      method: 'POST',
      json: { payload: { text: 'hello' } },
      signal: AbortSignal.timeout(5_000),
    });
    const stored = added.status === 201 ? await q.getJob(added.body.id) : null;
    const moved = await call(`${base}/waitline/jobs/mounted/${(await q.add({})).id}/priority`, {
      method: 'PUT',
      json: { priority: 9 },
      signal: AbortSignal.timeout(5_000),
    });
    expect(added.status).toBe(201);
    expect(stored?.payload).toEqual({ text: 'hello' });
    expect(moved.status).toBe(200);
    expect(moved.body.job.priority).toBe(9);
  });
});
