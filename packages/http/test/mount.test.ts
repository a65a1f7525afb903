/**
 * The handler mounted in the frameworks apps use: Express (through toNodeListener), Fastify
 * (through toNodeListener on the raw request) and Hono (as a fetch handler, as it is), each under
 * a base path, with JSON answers, a body and an event stream that ends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import { Queue, type Storage } from '@waitline/core';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler, toNodeListener, type WaitlineHandler } from '../src/index.js';
import { call, openStream } from './serve.js';
import { testStorages } from './storages.js';

const [sqlite] = await testStorages();

function shut(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
}

function listening(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('mounted in a framework', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let q: Queue;
  let handler: WaitlineHandler;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    ({ storage, cleanup } = await sqlite!.open());
    q = new Queue(storage, 'mounted');
    handler = createHandler({ queues: [q], basePath: '/waitline', authorize: () => true });
  });
  afterAll(async () => {
    handler.close();
    for (const close of closers) await close();
    await cleanup?.();
  });

  async function exercise(base: string): Promise<void> {
    const job = await q.add({ n: 1 });
    const status = await call(`${base}/waitline/jobs/mounted/${job.id}`);
    expect(status.status).toBe(200);
    expect(status.body.position).toBe(1);
    const moved = await call(`${base}/waitline/jobs/mounted/${job.id}/priority`, { method: 'PUT', json: { priority: 9 } });
    expect(moved.body.job.priority).toBe(9);
    const stream = await openStream(`${base}/waitline/jobs/mounted/${job.id}/events`);
    await stream.next((e) => e.data.position === 1);
    await call(`${base}/waitline/jobs/mounted/${job.id}/cancel`, { method: 'POST' });
    await stream.next((e) => e.data.state === 'cancelled');
    await stream.ended;
    expect((await call(`${base}/elsewhere`)).status).toBe(404);
  }

  it('works in Express with app.use', async () => {
    const app = express();
    app.use('/waitline', toNodeListener(handler));
    app.get('/elsewhere', (_req, res) => void res.status(404).end());
    const server = createServer(app);
    const base = await listening(server);
    closers.push(shut(server));
    await exercise(base);
  });

  it('works in Fastify on the raw request', async () => {
    const app = Fastify();
    const listener = toNodeListener(handler);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    app.all('/waitline/*', (request, reply) => {
      reply.hijack();
      listener(request.raw, reply.raw);
    });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    await exercise(base);
  });

  it('works in Hono as a fetch handler', async () => {
    const app = new Hono();
    app.all('/waitline/*', (c) => handler(c.req.raw));
    const server = await new Promise<Server>((resolve) => {
      const s = honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    closers.push(shut(server));
    await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
});
