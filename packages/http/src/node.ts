/**
 * `toNodeListener`: the fetch handler on `node:http` (and so on Express and Fastify), streaming
 * answers as they come and cancelling them when the client goes away.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { errorAnswer, HttpError } from './errors.js';

/** A `node:http` request listener; also an Express middleware (it answers every request it gets). */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A Host header: a name or an IP literal, with an optional port; nothing that could add a path. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The request's URL, or null when its target or Host header is malformed. The path and query come
 * from the request target alone (origin form `/p?q`, or absolute form `http://h/p?q`, whose
 * authority then stands for the Host header, as HTTP/1.1 asks), so a Host header can never add a
 * path or a query to what is routed.
 */
function requestUrl(req: IncomingMessage): URL | null {
  // Express strips its mount path from req.url and keeps the full one in originalUrl.
  const target = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  try {
    if (/^https?:\/\//i.test(target)) {
      const url = new URL(target);
      // A fetch Request refuses a URL with credentials: such a target is malformed here.
      return HOST.test(url.host) && url.username === '' && url.password === '' ? url : null;
    }
    const host = req.headers.host ?? 'localhost';
    if (!target.startsWith('/') || !HOST.test(host)) return null;
    const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    return new URL(`${scheme}://${host}${target}`);
  } catch {
    return null;
  }
}

function toRequest(req: IncomingMessage, url: URL, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    signal,
    ...(hasBody ? { body: bodyOf(req), duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * The request's body: its stream, or, when a body parser ahead of the listener already read it
 * (Express's `express.json()`, which leaves the value in `req.body`), that value as JSON again.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> | string | Uint8Array {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (!req.readableEnded || parsed === undefined) return Readable.toWeb(req) as ReadableStream<Uint8Array>;
  return typeof parsed === 'string' || parsed instanceof Uint8Array ? parsed : JSON.stringify(parsed);
}

/**
 * Resolves when `res` can take more (or is gone), leaving no listener behind either way. A
 * response already destroyed emits neither event again: it resolves at once.
 */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
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
      if (done || res.destroyed) break;
      if (!res.write(value)) await drained(res);
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
    const url = requestUrl(req);
    // Methods a fetch Request cannot carry (its constructor throws on them).
    const refusal =
      url === null
        ? new HttpError(400, 'BAD_REQUEST', 'malformed request target or Host header')
        : /^(CONNECT|TRACE|TRACK)$/i.test(req.method ?? '')
          ? new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here`)
          : null;
    if (url === null || refusal) {
      const { status, body } = errorAnswer(refusal);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
      return;
    }
    void (async () => {
      try {
        const response = await handler(toRequest(req, url, controller.signal));
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
