/**
 * A real local HTTP server that receives webhook deliveries (node:http on 127.0.0.1, a free
 * port), records each request, and answers as the test tells it: a status, or no answer at all.
 * @internal
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookPayload } from '@waitline/core';

/** One request as the receiver got it. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body text. */
  raw: string;
  body: WebhookPayload;
}

/** How to answer the n-th request (0-based) to a path: a status, or `'hang'` (never answer). */
export type Answer = (n: number) => number | 'hang';

/** A running receiver. */
export interface Receiver {
  /** The URL of `path` on this server. */
  url(path: string): string;
  /** Every request so far, in arrival order. */
  readonly received: Received[];
  /** Requests to one path. */
  to(path: string): Received[];
  /** Sets how requests to `path` are answered (default: 200). */
  answer(path: string, answer: Answer): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1, port 0. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers = new Map<string, Answer>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const raw = Buffer.concat(chunks).toString('utf8');
      const n = received.filter((r) => r.path === path).length;
      received.push({ path, headers: req.headers, raw, body: JSON.parse(raw) as WebhookPayload });
      const answer = answers.get(path)?.(n) ?? 200;
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(String(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    to: (path) => received.filter((r) => r.path === path),
    answer: (path, answer) => answers.set(path, answer),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
