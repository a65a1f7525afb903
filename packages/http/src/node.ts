/**
 * `toNodeListener`: the fetch handler on `node:http` (and so on Express and Fastify), streaming
 * answers as they come and cancelling them when the client goes away.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A `node:http` request listener; also an Express middleware (it answers every request it gets). */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const host = req.headers.host ?? 'localhost';
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  // Express strips its mount path from req.url and keeps the full one in originalUrl.
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`${scheme}://${host}${path}`, {
    method: req.method ?? 'GET',
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

async function pipeBody(response: Response, res: ServerResponse): Promise<void> {
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = (): void => void reader.cancel().catch(() => undefined);
  res.on('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
      if (res.destroyed) break;
    }
  } finally {
    res.off('close', onClose);
    if (res.destroyed) await reader.cancel().catch(() => undefined);
    else res.end();
  }
}

/**
 * Adapts a fetch handler to `node:http`: builds a `Request` (whose `signal` aborts when the client
 * disconnects), writes the `Response` as it streams (SSE included, flushed per chunk) and cancels
 * its body when the client goes away, which ends an event stream and releases what it held.
 */
export function toNodeListener(handler: (request: Request) => Promise<Response>): NodeListener {
  return (req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    void (async () => {
      try {
        const response = await handler(toRequest(req, controller.signal));
        const headers: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
          headers[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
        });
        res.writeHead(response.status, headers);
        res.flushHeaders();
        await pipeBody(response, res);
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error', path: [] } }));
      }
    })();
  };
}
