/**
 * What a hostile or broken client must not get from the handler: state changed by a cross-site
 * form post (CSRF), a route chosen through the Host header, unbounded memory from a stream nobody
 * reads, listeners piling up on a slow client; and what a closed metrics collector stops doing.
 * Found by a review with reproductions against a real server.
 */
import { request as httpRequest, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, type Storage } from '@waitline/core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, HttpError, toNodeListener } from '../src/index.js';
import { MAX_BUFFERED_BYTES, StreamRegistry } from '../src/sse.js';
import { call, type Served, serve } from './serve.js';
import { testStorages } from './storages.js';

const [sqlite] = await testStorages();

/** A raw request, so the test chooses the target and the Host header as sent. */
function raw(port: number, target: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hardening', () => {
  let storage: Storage;
  let cleanup: () => Promise<void>;
  let q: Queue;
  let served: Served;
  let port: number;

  beforeAll(async () => {
    ({ storage, cleanup } = await sqlite!.open());
    q = new Queue(storage, 'guarded');
    served = await serve({
      queues: [q],
      authorize: (request) => {
        if (request.headers.get('cookie') === 'session=admin') return true;
        throw new HttpError(401, 'UNAUTHORIZED', 'log in first', [], { 'www-authenticate': 'Basic realm="waitline"' });
      },
    });
    port = Number(new URL(served.url).port);
  });
  afterAll(async () => {
    await served.close();
    await cleanup?.();
  });

  const pause = (headers: Record<string, string>) =>
    call(`${served.url}/queues/guarded/pause`, { method: 'POST', headers: { cookie: 'session=admin', ...headers } });
  const paused = async () => (await q.getStats()).config.paused;

  it('refuses a cross-site request that changes state, before authorize, and writes nothing', async () => {
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { origin: 'null' }]) {
      const answer = await pause(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body.error.code).toBe('FORBIDDEN');
      expect(answer.body.error.message).toContain('cross-site');
    }
    expect(await paused()).toBe(false);
    // A cross-site GET still reads (it cannot change anything and its answer stays in the browser).
    expect((await call(`${served.url}/queues/guarded`, { headers: { cookie: 'session=admin', 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('lets same-origin browsers and clients that send neither header change state', async () => {
    expect((await pause({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await pause({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    // Behind a proxy that rewrites Host over plain HTTP (no Sec-Fetch-Site there): the forwarded host counts.
    expect((await pause({ origin: 'http://jobs.example', 'x-forwarded-host': 'jobs.example' })).status).toBe(200);
    expect((await pause({ origin: 'http://evil.example', 'x-forwarded-host': 'jobs.example' })).status).toBe(403);
    expect((await pause({})).status).toBe(200);
    expect(await paused()).toBe(true);
    await q.resume();
  });

  it('a 401 carries the headers authorize gave it', async () => {
    const answer = await call(`${served.url}/queues/guarded`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Basic realm="waitline"');
  });

  it('routes by the request target alone: a Host header cannot pick the route; a bad one is a 400', async () => {
    const sneaky = await raw(port, '/health', `h/queues/guarded/jobs?`);
    expect(sneaky.status).toBe(400);
    expect(JSON.parse(sneaky.body).error.code).toBe('BAD_REQUEST');
    expect((await raw(port, '/health', 'a b')).status).toBe(400);
    expect((await raw(port, '/health', `127.0.0.1:${port}`)).status).toBe(200);
    // The absolute form HTTP/1.1 servers must accept: its authority stands for the Host header.
    expect((await raw(port, `http://127.0.0.1:${port}/health`, 'ignored.example')).status).toBe(200);
  });
});

describe('streams and slow clients', () => {
  it('ends a stream whose client leaves more than MAX_BUFFERED_BYTES unread', () => {
    const registry = new StreamRegistry(10, 60_000);
    let sink: { send(e: string, d: unknown): void; readonly closed: boolean } | undefined;
    let cleaned = 0;
    registry.respond(new Request('http://localhost/x'), (s) => {
      sink = s;
      return () => cleaned++;
    });
    const event = { text: 'x'.repeat(1_000) };
    let sent = 0;
    while (!sink?.closed && sent < 10_000) {
      sink?.send('tick', event);
      sent++;
    }
    expect(sink?.closed).toBe(true);
    expect(sent * 1_000).toBeGreaterThanOrEqual(MAX_BUFFERED_BYTES * 0.9);
    expect(sent * 1_000).toBeLessThan(MAX_BUFFERED_BYTES * 1.2);
    expect(cleaned).toBe(1);
    expect(registry.size).toBe(0);
  });

  it('toNodeListener waits out backpressure without piling listeners on the response', async () => {
    const chunk = new Uint8Array(64 * 1024);
    const chunks = 200;
    const listener = toNodeListener(async () => {
      let n = 0;
      const body = new ReadableStream<Uint8Array>({
        pull: (c) => (n++ < chunks ? c.enqueue(chunk) : c.close()),
      });
      return new Response(body);
    });
    let most = 0;
    const server = createServer((req, res) => {
      const watch = setInterval(() => (most = Math.max(most, res.listenerCount('close'), res.listenerCount('drain'))), 1);
      res.on('finish', () => clearInterval(watch));
      res.on('close', () => clearInterval(watch));
      listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const received = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          // A slow reader: pause a moment now and then, so the server meets backpressure often.
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', () => resolve(bytes));
      })
        .on('error', reject)
        .end();
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(received).toBe(chunk.length * chunks);
    expect(most).toBeLessThanOrEqual(4);
  });
});

describe('metrics collector', () => {
  it('close() stops feeding the storage-call metrics from this process', async () => {
    const { storage, cleanup } = await sqlite!.open();
    try {
      const q = new Queue(storage, 'measured');
      const registry = new Registry();
      const metrics = createMetrics([q], { registry });
      await metrics.ready();
      const calls = async () => {
        const m = (await registry.getMetricsAsJSON()).find((x) => x.name === 'waitline_storage_call_duration_seconds');
        // A histogram's JSON values carry the series name (_bucket, _sum, _count), untyped in prom-client.
        const values = (m?.values ?? []) as Array<{ value: number; metricName?: string }>;
        return values.filter((v) => v.metricName?.endsWith('_count')).reduce((sum, v) => sum + v.value, 0);
      };
      await q.add({ n: 1 });
      expect(await calls()).toBeGreaterThan(0);
      metrics.close();
      metrics.close();
      // Read after closing: the scrape's own storage read, observed while it was open, is in.
      const before = await calls();
      await q.add({ n: 2 });
      await q.getStats();
      expect(await calls()).toBe(before);
    } finally {
      await cleanup();
    }
  });
});
