/**
 * The example's web page, served while the demo runs (node:http, 127.0.0.1):
 *
 *   /                    the app's own page (web/index.html, meetings.js, status.js, style.css):
 *                        one card per meeting, live through Waitline's public SSE route
 *   /meetings.json       the meetings submitted so far: meeting id ↔ job id, user, audio, priority
 *   /waitline/…          `@waitline/http`'s handler: public status routes, admin API, dashboard
 *
 * The server binds first ({@link WebServer.listen}) so a busy `--port` fails before the demo starts, then
 * {@link WebServer.mount} puts the queue behind it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Queue } from '@waitline/core';
import { createHandler, type NodeListener, toNodeListener, type WaitlineHandler } from '@waitline/http';
import type { Tracked } from './scenario.js';

/** The port tried when `--port` is not given. */
export const DEFAULT_PORT = 3000;
/** Where the Waitline handler is mounted. */
export const API_BASE = '/waitline';

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'web');
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/meetings.js': { file: 'meetings.js', type: 'text/javascript; charset=utf-8' },
  '/status.js': { file: 'status.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};
/** The page loads its own files only and talks to this origin only. */
const PAGE_CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** One submitted meeting, as the page lists it. */
export interface MeetingEntry {
  meetingId: string;
  jobId: string;
  user: string;
  audioSeconds: number;
  priority: string;
}

/** The meetings known so far; `complete` once every meeting was submitted (the page stops polling then). */
export interface MeetingSnapshot {
  meetings: MeetingEntry[];
  complete: boolean;
}

/** The body of `/meetings.json`: the snapshot, and where the page finds each job's SSE route. */
export interface MeetingList extends MeetingSnapshot {
  /** Where the Waitline handler is mounted (`/waitline`). */
  api: string;
  /** The queue's name (`transcribe`). */
  queue: string;
}

/** The page's meetings from the simulated users: those submitted so far, in submission order. */
export function meetingsOf(tracked: readonly Tracked[]): MeetingSnapshot {
  const meetings = tracked.flatMap((t) =>
    t.job === null ? [] : [{ meetingId: t.plan.meetingId, jobId: t.job.id, user: t.plan.user, audioSeconds: t.plan.audioSeconds, priority: t.plan.priority }],
  );
  return { meetings, complete: meetings.length === tracked.length };
}

/** `--port` names a port that is taken (or not ours to take). */
export class PortInUseError extends Error {
  /** Stable code to branch on. */
  readonly code = 'PORT_IN_USE';

  constructor(
    readonly port: number,
    cause: NodeJS.ErrnoException,
  ) {
    super(`port ${port} is not available (${cause.code ?? cause.message})`, { cause });
    this.name = 'PortInUseError';
  }
}

/** What {@link WebServer.listen} needs. */
export interface ListenOptions {
  /** The port to try; 0 takes any free one. */
  port: number;
  /** True when the user chose the port: a busy one is then an error, not a fallback. */
  strict: boolean;
  /** Default 127.0.0.1. */
  host?: string;
}

/** True for an address of this machine (IPv4 127/8, IPv6 ::1, or 127/8 mapped into IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The listening server; it answers 503 until {@link WebServer.mount}. */
export class WebServer {
  private waitline: { handler: WaitlineHandler; listener: NodeListener; list: () => MeetingList } | null = null;
  private readonly peer = new AsyncLocalStorage<string | undefined>();
  private files = new Map<string, { body: Buffer; type: string }>();

  private constructor(
    private readonly server: Server,
    /** The page's address, such as `http://127.0.0.1:3000/`. */
    readonly url: string,
    /** The port served. */
    readonly port: number,
    /** The port that was busy when the server fell back to another one; null when it did not. */
    readonly busyPort: number | null,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.route(req, res));
  }

  /**
   * Binds the server. A busy port fails with {@link PortInUseError} when `strict`, and otherwise
   * falls back to a free port (see {@link WebServer.busyPort}).
   */
  static async listen(opts: ListenOptions): Promise<WebServer> {
    const host = opts.host ?? '127.0.0.1';
    const server = createServer();
    let busyPort: number | null = null;
    try {
      await bind(server, opts.port, host);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') throw err;
      if (opts.strict) throw new PortInUseError(opts.port, e);
      busyPort = opts.port;
      await bind(server, 0, host);
    }
    const { port } = server.address() as AddressInfo;
    const web = new WebServer(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}/`, port, busyPort);
    web.files = await loadStatic();
    return web;
  }

  /**
   * Serves `queue` under `/waitline` and the page's meeting list from `meetings`. The admin
   * routes (the dashboard's data, cancel, retry…) are allowed to loopback peers only.
   */
  mount(queue: Queue, meetings: () => MeetingSnapshot): WaitlineHandler {
    const handler = createHandler({
      queues: [queue],
      basePath: API_BASE,
      // A local demo bound to 127.0.0.1: anyone on this machine is its operator. A real app checks
      // its own session here (a signed cookie, an admin role): behind a reverse proxy every request
      // comes from loopback, so an address alone proves nothing.
      authorize: () => isLoopback(this.peer.getStore()),
      // "Failed: …" and the retry reason need the error message; results (transcripts) stay private.
      expose: { [queue.name]: { error: true } },
    });
    const list = (): MeetingList => ({ api: API_BASE, queue: queue.name, ...meetings() });
    this.waitline = { handler, listener: toNodeListener(handler), list };
    return handler;
  }

  /** Ends every event stream (the handler's too) and stops listening. */
  async close(): Promise<void> {
    this.waitline?.handler.close();
    const closed = new Promise<void>((done) => this.server.close(() => done()));
    this.server.closeAllConnections();
    await closed;
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const text = 'text/plain; charset=utf-8';
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      // A target the URL parser refuses (`GET //`): thrown here it would be an uncaught exception.
      send(res, 400, text, 'Bad request target.\n');
      return;
    }
    const waitline = this.waitline;
    const file = this.files.get(path);
    if (!waitline) send(res, 503, text, 'Starting; try again in a moment.\n', { 'retry-after': '1' });
    else if (path === API_BASE || path.startsWith(`${API_BASE}/`)) {
      // The handler sees a fetch Request, which has no peer address: keep it beside the request.
      this.peer.run(req.socket.remoteAddress, () => waitline.listener(req, res));
    } else if (file === undefined && path !== '/meetings.json') send(res, 404, text, `Not found: ${path}\n`);
    else if (req.method !== 'GET' && req.method !== 'HEAD') send(res, 405, text, 'Use GET.\n', { allow: 'GET, HEAD' });
    else if (file) send(res, 200, file.type, file.body, path === '/' ? { 'content-security-policy': PAGE_CSP } : {});
    else send(res, 200, 'application/json; charset=utf-8', JSON.stringify(waitline.list()));
  }
}

function bind(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (err: Error) => fail(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      done();
    });
  });
}

async function loadStatic(): Promise<Map<string, { body: Buffer; type: string }>> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(STATIC)) files.set(path, { body: await readFile(join(WEB_DIR, file)), type });
  return files;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
