/**
 * A real HTTP server on localhost around a handler, and the small clients the tests use: JSON
 * calls and an SSE reader (eventsource-parser over fetch, so a stream's end is seen as an end).
 * @internal
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { createHandler, type HandlerOptions, toNodeListener, type WaitlineHandler } from '../src/index.js';

/** Parsed JSON the tests pick apart freely. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
export type Json = any;

/** A listening server and its handler. */
export interface Served {
  url: string;
  handler: WaitlineHandler;
  close(): Promise<void>;
}

/** Serves `createHandler(options)` on a free port of 127.0.0.1. */
export async function serve(options: HandlerOptions): Promise<Served> {
  const handler = createHandler(options);
  const server: Server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.basePath ?? ''}`,
    handler,
    async close() {
      handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON call: the status and the parsed body. */
export async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const { json, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    ...(json !== undefined ? { body: JSON.stringify(json), headers: { 'content-type': 'application/json', ...(rest.headers ?? {}) } } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/** An open SSE stream: the events so far, and waits on them. */
export interface EventStream {
  events: Array<{ event: string; data: Json }>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  /** Resolves with the first event (from the start) that `test` accepts. */
  next(test: (e: { event: string; data: Json }) => boolean, timeoutMs?: number): Promise<{ event: string; data: Json }>;
  close(): void;
}

/** Opens an SSE stream; rejects when the answer is not a 200 event stream (with its body). */
export async function openStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  if (response.status !== 200 || !response.body)
    throw Object.assign(new Error(`stream refused: ${response.status}`), { status: response.status, body: await response.json() });
  const events: EventStream['events'] = [];
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent: (e) => {
      events.push({ event: e.event ?? 'message', data: JSON.parse(e.data) });
      for (const w of waiters) w();
    },
  });
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close()
    }
    for (const w of waiters) w();
  })();
  return {
    events,
    ended,
    next(test, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = events.find(test);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}

/** Waits until `check` returns true (polling), or throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
