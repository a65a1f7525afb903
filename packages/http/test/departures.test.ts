/**
 * Clients that leave before their answer is written: an event stream whose client left while the
 * request was authorized is released at once (it held a `maxStreams` slot and the queue's storage
 * subscription forever), and a plain answer to a client that left does not wait for a `drain` that
 * never comes. Found by a review with reproductions against a real server.
 */
import { createServer, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { MemoryStorage, Queue } from '@waitline/core';
import { describe, expect, it } from 'vitest';
import { createHandler, toNodeListener } from '../src/index.js';
import { openStream, serve, until } from './serve.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a GET on a raw socket and closes the socket after `leaveAfterMs`, before any answer. */
function hitAndLeave(port: number, path: string, leaveAfterMs = 30): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, leaveAfterMs);
    });
    socket.on('error', reject);
  });
}

/** An authorize that takes 150 ms, as one that looks up a session does. */
const slowAuthorize = async () => {
  await sleep(150);
  return true;
};

describe('clients that leave before the answer', () => {
  it('an event stream whose client left during authorize is released, with its subscription', async () => {
    const queue = new Queue(new MemoryStorage(), 'left');
    const job = await queue.add({});
    const served = await serve({ queues: [queue], maxStreams: 2, authorize: slowAuthorize });
    try {
      const port = Number(new URL(served.url).port);
      for (let i = 0; i < 3; i++) await hitAndLeave(port, `/jobs/left/${job.id}/events`);
      for (let i = 0; i < 3; i++) await hitAndLeave(port, '/queues/left/events');
      await sleep(300);
      await until(() => served.handler.openStreams === 0, 5_000, 'streams of departed clients released');
      expect(served.handler.subscriptions).toBe(0);
      // The cap of 2 is free again.
      const stream = await openStream(`${served.url}/jobs/left/${job.id}/events`);
      await stream.next((e) => e.event === 'status');
      stream.close();
    } finally {
      await served.close();
    }
  });

  it('a plain answer to a client that left is dropped, not left waiting for a drain', async () => {
    const queue = new Queue(new MemoryStorage(), 'big');
    await queue.addBulk(Array.from({ length: 50 }, (_, n) => ({ payload: { n, pad: 'x'.repeat(2_000) } })));
    const handler = createHandler({ queues: [queue], authorize: slowAuthorize });
    const listener = toNodeListener(handler);
    const responses: ServerResponse[] = [];
    const server = createServer((req, res) => {
      responses.push(res);
      listener(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < 5; i++) await hitAndLeave(port, '/queues/big/jobs?limit=100');
      await sleep(500);
      expect(responses).toHaveLength(5);
      await until(() => responses.every((r) => r.listenerCount('drain') === 0), 5_000, 'no answer waiting for a drain');
    } finally {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
